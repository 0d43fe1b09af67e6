package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/export"
	"github.com/bif-kk/orggraph/internal/export/exporttest"
	"github.com/bif-kk/orggraph/internal/neo4jtest"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store/memstore"
	"github.com/bif-kk/orggraph/internal/store/neo4jstore"
)

func realSeed(t testing.TB) (*domain.Graph, *memstore.Store) {
	t.Helper()
	g := seedtest.Graph(t)
	st := seedtest.Mem(t, g)
	return g, st
}

func TestExportsOnMemstore(t *testing.T) {
	_, st := realSeed(t)
	exporttest.Run(t, st)
}

// connect opens the test Neo4j, one test at a time (see neo4jtest).
func connect(t *testing.T) *neo4jstore.Store { return neo4jtest.Store(t) }

// TestNeo4jExportsMatchMemory loads seed/ into Neo4j, checks its exports as
// the memstore's are checked, and wants them byte for byte the same.
func TestNeo4jExportsMatchMemory(t *testing.T) {
	nst := connect(t)
	g, mst := realSeed(t)
	ctx := context.Background()
	want, err := exporttest.Write(ctx, mst)
	if err != nil {
		t.Fatal(err)
	}

	if err := nst.Load(ctx, g); err != nil {
		t.Fatal(err)
	}
	got, err := exporttest.Write(ctx, nst)
	if err != nil {
		t.Fatal(err)
	}
	exporttest.Check(t, got, mst)
	exporttest.Same(t, got, want)
}

// A graph with a relationship to a node it lacks is refused before a byte
// is written, so the HTTP layer can still answer with an error.
func TestDanglingRelationshipIsRefusedBeforeWriting(t *testing.T) {
	g := &domain.Graph{
		Nodes:         []*domain.Node{{ID: "centre:cbe", Kind: domain.KindCentre, Name: "CBE"}},
		Relationships: []*domain.Relationship{{Kind: domain.RelServes, From: "centre:cbe", To: "targetgroup:gone", Basis: domain.Explicit}},
	}
	for name, write := range map[string]func(io.Writer, *domain.Graph) error{
		"json-ld": export.WriteJSONLD, "graphml": export.WriteGraphML,
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			err := write(&buf, g)
			if err == nil || !strings.Contains(err.Error(), "targetgroup:gone") || buf.Len() != 0 {
				t.Errorf("err = %v, wrote %d bytes", err, buf.Len())
			}
		})
	}
}

// Text that XML and CSV must escape survives a round trip.
func TestAwkwardTextRoundTrips(t *testing.T) {
	slide := 3
	awkward := "a <b> & \"c\" 'd'\nline two, with ; and \t tab æøå ÆØÅ → ✓"
	g := &domain.Graph{
		Nodes: []*domain.Node{
			{ID: "centre:a", Kind: domain.KindCentre, Name: awkward, Code: "A", Description: awkward,
				Sources: []domain.Source{{Document: "d.txt", Section: awkward, Slide: &slide, Note: awkward}}},
			{ID: "targetgroup:b", Kind: domain.KindTargetGroup, Name: "B",
				Sources: []domain.Source{{Document: "d.txt", Section: "B"}}},
		},
		Relationships: []*domain.Relationship{{
			Kind: domain.RelServes, From: "centre:a", To: "targetgroup:b", Basis: domain.Inferred,
			Rationale: awkward, Note: awkward, Sources: []domain.Source{{Document: "d.txt", Section: "B"}},
		}},
	}
	t.Run("graphml", func(t *testing.T) {
		var buf bytes.Buffer
		if err := export.WriteGraphML(&buf, g); err != nil {
			t.Fatal(err)
		}
		exporttest.CheckGraphML(t, buf.Bytes(), g)
	})
	t.Run("json-ld", func(t *testing.T) {
		var buf bytes.Buffer
		if err := export.WriteJSONLD(&buf, g); err != nil {
			t.Fatal(err)
		}
		exporttest.CheckJSONLD(t, buf.Bytes(), g)
	})
	t.Run("csv", func(t *testing.T) {
		st := seedtest.Mem(t, g)
		sheet, err := export.LoadImpactSheet(context.Background(), st, "targetgroup:b")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := sheet.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		rows := exporttest.CheckImpactCSV(t, buf.Bytes(), st, "targetgroup:b")
		if len(rows) != 1 || !strings.HasPrefix(rows[0]["path"], awkward) || rows[0]["rationale"] != "step 1: "+awkward {
			t.Errorf("rows = %q", rows)
		}
	})
}

// BenchmarkGraphExports writes the real seed's snapshot in each whole-graph
// format.
func BenchmarkGraphExports(b *testing.B) {
	_, st := realSeed(b)
	ctx := context.Background()
	for _, format := range []struct {
		name  string
		write func(io.Writer, *domain.Graph) error
	}{{"json-ld", export.WriteJSONLD}, {"graphml", export.WriteGraphML}} {
		b.Run(format.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, err := st.Snapshot(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if err := format.write(io.Discard, g); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImpactCSV measures the reform's sheet, the largest: every item's
// paths.
func BenchmarkImpactCSV(b *testing.B) {
	_, st := realSeed(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sheet, err := export.LoadImpactSheet(ctx, st, "reform:beskaeftigelsesreform")
		if err != nil {
			b.Fatal(err)
		}
		if err := sheet.WriteCSV(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCSVDialectNumbers(t *testing.T) {
	tests := []struct {
		d    export.CSVDialect
		v    float64
		want string
	}{
		{export.RFC4180, 2.5, "2.5"},
		{export.DanishExcel, 2.5, "2,5"},
		{export.DanishExcel, 12, "12"},
		{export.DanishExcel, -0.25, "-0,25"},
		{export.RFC4180, 8400000000, "8400000000"},
	}
	for _, tt := range tests {
		if got := tt.d.Number(tt.v); got != tt.want {
			t.Errorf("%s.Number(%v) = %q, want %q", tt.d.Name, tt.v, got, tt.want)
		}
	}
	for _, name := range []string{"", "rfc4180", "da", "Da"} {
		if _, ok := export.CSVDialectNamed(name); !ok {
			t.Errorf("CSVDialectNamed(%q) finds none", name)
		}
	}
	if _, ok := export.CSVDialectNamed("excel"); ok {
		t.Error(`CSVDialectNamed("excel") finds one`)
	}
}

// A cell holding the Danish dialect's separator is quoted, so it stays one cell.
func TestDanishCSVQuotesSemicolons(t *testing.T) {
	_, st := realSeed(t)
	sheet, err := export.LoadImpactSheet(t.Context(), st, "reformchange:afskaffelse-af-ressourceforloeb")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := sheet.WriteCSVIn(&buf, export.DanishExcel); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, sheet.Rows()) {
		t.Errorf("the Danish sheet reads back as other rows:\n%v\n%v", rows, sheet.Rows())
	}
}
