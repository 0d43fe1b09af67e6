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

// CSVContentType is the media type of ImpactSheet.WriteCSV's output.
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

// Rows returns the sheet's rows, header first.
func (s *ImpactSheet) Rows() [][]string {
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
				strconv.Itoa(rank + 1), string(p.Basis()), strconv.Itoa(len(p.Steps)), item,
				strings.Join(statements, pathSeparator), strings.Join(rationales, " | "),
			})
		}
	}
	return rows
}

// WriteCSV writes the sheet as RFC 4180 CSV (CRLF line ends), header first.
// It starts with a UTF-8 byte order mark: without one Excel reads a CSV as
// the local code page and shows æ, ø and å as mojibake.
func (s *ImpactSheet) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	rows := s.Rows()
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
