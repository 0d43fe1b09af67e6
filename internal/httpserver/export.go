package httpserver

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/export"
	"github.com/bif-kk/orggraph/internal/observe"
	"github.com/bif-kk/orggraph/internal/scenario"
	"github.com/bif-kk/orggraph/internal/store"
)

// exportedStore is the store an export reads: the baseline, or with
// ?scenario=scenario:s1 that scenario's graph (scenario.Views).
func exportedStore(r *http.Request, st store.Store, views *scenario.Views) (store.Store, error) {
	ref := r.URL.Query().Get("scenario")
	if ref == "" {
		return st, nil
	}
	sid := domain.ScenarioRef(ref)
	if sid == "" {
		return nil, fmt.Errorf("%w: %q is no scenario id (scenario:s1)", domain.ErrInvalidInput, ref)
	}
	v, err := views.Open(r.Context(), sid)
	if err != nil {
		return nil, err
	}
	return v.Store, nil
}

// handleExportGraph serves the whole graph, read with one Snapshot, as
// write writes it.
func handleExportGraph(logger *slog.Logger, m *observe.Metrics, base store.Store, views *scenario.Views, contentType, disposition string, write func(io.Writer, *domain.Graph) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := exportedStore(r, base, views)
		if err != nil {
			exportFailed(w, r, logger, m, err, "no scenario has the id "+r.URL.Query().Get("scenario"))
			return
		}
		g, err := st.Snapshot(r.Context())
		if err != nil {
			exportFailed(w, r, logger, m, err, "")
			return
		}
		serveExport(w, r, logger, m, contentType, disposition, func(w io.Writer) error { return write(w, g) })
	}
}

// handleExportImpactCSV serves the impact of ?of= (a node, a reform phase
// or the reform) as a spreadsheet, one row per centre and path, in the CSV
// dialect ?dialect= names (export.CSVDialects; RFC 4180's by default); with
// ?scenario=, inside that scenario.
func handleExportImpactCSV(logger *slog.Logger, m *observe.Metrics, base store.Store, views *scenario.Views) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := exportedStore(r, base, views)
		if err != nil {
			exportFailed(w, r, logger, m, err, "no scenario has the id "+r.URL.Query().Get("scenario"))
			return
		}
		of := r.URL.Query().Get("of")
		if of == "" {
			writeError(w, m, apierr.BadUserInput,
				`the query parameter "of" is required: a node id such as reformchange:afskaffelse-af-ressourceforloeb`)
			return
		}
		if _, _, err := domain.ParseID(of); err != nil {
			writeError(w, m, apierr.BadUserInput,
				`"of" is not a node id: want kind:key, the key of a-z, 0-9 and '-', such as reformchange:afskaffelse-af-ressourceforloeb`)
			return
		}
		dialect, ok := export.CSVDialectNamed(r.URL.Query().Get("dialect"))
		if !ok {
			writeError(w, m, apierr.BadUserInput,
				`"dialect" is rfc4180 (the default: ',' between fields, decimal points) or da (Excel under Danish settings: ';' between fields, decimal commas)`)
			return
		}
		sheet, err := export.LoadImpactSheet(r.Context(), st, domain.ID(of))
		if err != nil {
			exportFailed(w, r, logger, m, err, "no node has the id "+of)
			return
		}
		serveExport(w, r, logger, m, export.CSVContentType, attachment(impactFilename(of)),
			func(w io.Writer) error { return sheet.WriteCSVIn(w, dialect) })
	}
}

// serveExport writes the export into memory, then serves it whole with a
// strong ETag of its bytes. Exports are deterministic, so a client that
// sends the ETag back (If-None-Match) gets 304 while the graph is unchanged;
// and a failure while writing is still an error status, never a 200 with a
// truncated file. The exports are small (the whole graph is a few hundred KB).
func serveExport(w http.ResponseWriter, r *http.Request, logger *slog.Logger, m *observe.Metrics, contentType, disposition string, write func(io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		exportFailed(w, r, logger, m, err, "")
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "no-cache") // revalidate: the graph may change
	if disposition != "" {
		h.Set("Content-Disposition", disposition)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf.Bytes()))
}

// exportFailed answers an export's error with its code (apierr.Of) and
// the table's status, as the GraphQL error presenter codes errors: the text
// of a store's error may be a driver's, so for such codes it is logged,
// never shown. notFound is the message for domain.ErrNotFound.
func exportFailed(w http.ResponseWriter, r *http.Request, logger *slog.Logger, m *observe.Metrics, err error, notFound string) {
	code := apierr.Of(err)
	msg := apierr.Message(code, err.Error())
	switch code {
	case apierr.NotFound:
		msg = cmp.Or(notFound, msg)
	case apierr.Unavailable, apierr.Timeout:
		logger.WarnContext(r.Context(), "export: store unavailable", "path", r.URL.Path, "err", err)
	case apierr.Internal:
		logger.ErrorContext(r.Context(), "export: internal error", "path", r.URL.Path, "err", err)
	}
	writeError(w, m, code, msg)
}

func attachment(filename string) string { return `attachment; filename="` + filename + `"` }

// impactFilename names an impact sheet after its subject, with every
// character but a-z, 0-9 and '-' as '_' (':' is not allowed in a Windows
// file name, and nothing else may break out of the header's quotes), and
// not too long: "impact-reformchange_afskaffelse-af-ressourceforloeb.csv".
func impactFilename(id string) string {
	const maxID = 100
	var b strings.Builder
	for _, c := range []byte(id) {
		if b.Len() == maxID {
			break
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
		} else {
			b.WriteByte('_')
		}
	}
	return "impact-" + b.String() + ".csv"
}
