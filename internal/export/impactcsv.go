package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
)

// CSVContentType is the media type of ImpactSheet.WriteCSV's output, in
// every dialect.
const CSVContentType = "text/csv; charset=utf-8"

// impactCSVHeader is the impact sheet's header row. A row is one path to
// one centre: the centre, whether some path to it is stated in the document
// (centre_basis), the path's rank among the centre's paths (1 = shortest,
// explicit first), its basis and length, the item it starts from (the
// subject itself, or for a reform phase or the reform one of its items), its
// steps as statements joined by " → ", and the rationale of each inferred step.
var impactCSVHeader = []string{
	"centre_code", "centre_name", "centre_basis",
	"path_rank", "path_basis", "steps", "item_id", "path", "rationale",
}

// pathSeparator joins a path's statements in the path column.
const pathSeparator = " → "

// ImpactSheet is what ImpactOf found for one node, with the nodes its rows
// name, ready to be written as a spreadsheet.
type ImpactSheet struct {
	Impact *planner.Impact
	nodes  map[domain.ID]*domain.Node
}

// LoadImpactSheet works out the impact of id (planner.ImpactOf, which
// expands a reform phase or the reform into their items). The names its rows
// give are those of the nodes ImpactOf read along its paths (Impact.Nodes):
// no second store call. The errors are ImpactOf's: domain.ErrInvalidInput
// for a malformed id, domain.ErrNotFound for an unknown one, and the store's.
func LoadImpactSheet(ctx context.Context, st planner.Reader, id domain.ID) (*ImpactSheet, error) {
	imp, err := planner.ImpactOf(ctx, st, id)
	if err != nil {
		return nil, err
	}
	for _, c := range imp.Centres {
		for _, p := range c.Paths {
			for _, s := range p.Steps {
				if imp.Nodes[s.Rel.From] == nil || imp.Nodes[s.Rel.To] == nil {
					return nil, fmt.Errorf("export: impact sheet: relationship %s is on a path but an end is missing", s.Rel.Key())
				}
			}
		}
	}
	return &ImpactSheet{Impact: imp, nodes: imp.Nodes}, nil
}

// CSVDialect is how a sheet is written as CSV: the field separator, and
// whether a number with a fraction takes a decimal comma.
type CSVDialect struct {
	Name         string
	Comma        rune
	DecimalComma bool
}

// The dialects a client may ask for (?dialect=). RFC 4180's is the
// default. Excel under Danish settings splits a line on ';' (',' being the
// decimal separator there) and reads 2,5 as a number, 2.5 as text.
var (
	RFC4180     = CSVDialect{Name: "rfc4180", Comma: ','}
	DanishExcel = CSVDialect{Name: "da", Comma: ';', DecimalComma: true}
)

// CSVDialects lists the dialects by name, the default first.
var CSVDialects = []CSVDialect{RFC4180, DanishExcel}

// CSVDialectNamed returns the dialect called name; "" is the default.
func CSVDialectNamed(name string) (CSVDialect, bool) {
	if name == "" {
		return RFC4180, true
	}
	for _, d := range CSVDialects {
		if strings.EqualFold(d.Name, name) {
			return d, true
		}
	}
	return CSVDialect{}, false
}

// Number writes v as the dialect has numbers: "2.5", or "2,5" with a
// decimal comma; a whole number without a fraction in either.
func (d CSVDialect) Number(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if d.DecimalComma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Rows returns the sheet's rows, header first, numbers as RFC 4180 has them.
func (s *ImpactSheet) Rows() [][]string { return s.rowsIn(RFC4180) }

// rowsIn returns the sheet's rows with numbers written as d has them.
func (s *ImpactSheet) rowsIn(d CSVDialect) [][]string {
	rows := [][]string{impactCSVHeader}
	for _, c := range s.Impact.Centres {
		centre := s.nodes[c.Centre]
		for rank, p := range c.Paths {
			statements := make([]string, len(p.Steps))
			var rationales []string
			for i, step := range p.Steps {
				statements[i] = step.Rel.Statement(s.nodes[step.Rel.From].Name, s.nodes[step.Rel.To].Name)
				if step.Rel.Basis != domain.Explicit {
					rationales = append(rationales, fmt.Sprintf("step %d: %s", i+1, step.Rel.Rationale))
				}
			}
			item := ""
			if len(p.Steps) > 0 {
				item = string(p.Steps[0].From)
			}
			rows = append(rows, []string{
				centre.Code, centre.Name, string(c.Basis),
				d.Number(float64(rank + 1)), string(p.Basis()), d.Number(float64(len(p.Steps))), item,
				strings.Join(statements, pathSeparator), strings.Join(rationales, " | "),
			})
		}
	}
	return rows
}

// WriteCSV writes the sheet as RFC 4180 CSV (CRLF line ends), header first.
func (s *ImpactSheet) WriteCSV(w io.Writer) error { return s.WriteCSVIn(w, RFC4180) }

// WriteCSVIn writes the sheet as CSV in dialect d (CRLF line ends), header
// first. It starts with a UTF-8 byte order mark: without one Excel reads a
// CSV as the local code page and shows æ, ø and å as mojibake.
func (s *ImpactSheet) WriteCSVIn(w io.Writer, d CSVDialect) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = d.Comma
	cw.UseCRLF = true
	rows := s.rowsIn(d)
	for _, row := range rows {
		for i, cell := range row {
			row[i] = inert(cell)
		}
	}
	if err := cw.WriteAll(rows); err != nil { // WriteAll flushes cw into bw
		return fmt.Errorf("export: impact csv: %w", err)
	}
	return bw.Flush()
}

// inert keeps a spreadsheet from reading a cell as a formula: planners can
// write names, and a name starting with = + - @ (or a tab or carriage
// return) would otherwise run in Excel. Such a cell gets a leading
// apostrophe, which spreadsheets show as text and do not display.
func inert(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
