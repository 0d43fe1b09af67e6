// Package exporttest holds the checks every export must pass, each by
// parsing the export back: the JSON-LD is expanded to RDF by a JSON-LD
// processor (json-gold) and its triples asserted, the GraphML is read with
// encoding/xml, the CSV with encoding/csv. The checks take a store, so the
// same ones run on the memstore and on Neo4j, each loaded with seed/.
package exporttest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/export"
	"github.com/bif-kk/orggraph/internal/store"
)

// ImpactSubjects are the ids whose impact sheets are written and checked:
// a reform item, a reform phase, the reform, a centre and a target group.
var ImpactSubjects = []domain.ID{
	"reformchange:afskaffelse-af-ressourceforloeb",
	"reformphase:2026-02-01",
	"reform:beskaeftigelsesreform",
	"centre:cbe",
	"targetgroup:ressourceforloeb",
}

// Exports are one store's exports, written from one snapshot.
type Exports struct {
	Graph   *domain.Graph // the snapshot the graph exports were written from
	JSONLD  []byte
	GraphML []byte
	CSV     map[domain.ID][]byte // by subject, for each of ImpactSubjects
}

// Write writes every export from st.
func Write(ctx context.Context, st store.Store) (*Exports, error) {
	g, err := st.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	ex := &Exports{Graph: g, CSV: map[domain.ID][]byte{}}
	var buf bytes.Buffer
	if err := export.WriteJSONLD(&buf, g); err != nil {
		return nil, err
	}
	ex.JSONLD = slices.Clone(buf.Bytes())
	buf.Reset()
	if err := export.WriteGraphML(&buf, g); err != nil {
		return nil, err
	}
	ex.GraphML = slices.Clone(buf.Bytes())
	for _, id := range ImpactSubjects {
		sheet, err := export.LoadImpactSheet(ctx, st, id)
		if err != nil {
			return nil, fmt.Errorf("impact sheet of %s: %w", id, err)
		}
		buf.Reset()
		if err := sheet.WriteCSV(&buf); err != nil {
			return nil, err
		}
		ex.CSV[id] = slices.Clone(buf.Bytes())
	}
	return ex, nil
}

// Run writes every export from st, which must hold seed/, and checks each
// by parsing it back; it returns them for comparison with another store's.
func Run(t *testing.T, st store.Store) *Exports {
	t.Helper()
	ctx := context.Background()
	ex, err := Write(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("deterministic", func(t *testing.T) {
		again, err := Write(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		Same(t, ex, again)
	})
	Check(t, ex, st)
	return ex
}

// Check checks exports of seed/ by parsing each back. oracle answers the
// impact questions the sheets are checked against; it must hold seed/.
func Check(t *testing.T, ex *Exports, oracle store.Store) {
	t.Helper()
	t.Run("json-ld", func(t *testing.T) {
		ts := CheckJSONLD(t, ex.JSONLD, ex.Graph)
		checkSeedJSONLD(t, ts, ex.Graph)
	})
	t.Run("graphml", func(t *testing.T) { CheckGraphML(t, ex.GraphML, ex.Graph) })
	t.Run("impact csv", func(t *testing.T) {
		for _, id := range ImpactSubjects {
			t.Run(string(id), func(t *testing.T) {
				rows := CheckImpactCSV(t, ex.CSV[id], oracle, id)
				checkSeedImpact(t, id, rows)
			})
		}
	})
}

// Same fails unless a and b are byte for byte the same exports.
func Same(t *testing.T, a, b *Exports) {
	t.Helper()
	sameBytes(t, "graph.jsonld", a.JSONLD, b.JSONLD)
	sameBytes(t, "graph.graphml", a.GraphML, b.GraphML)
	for _, id := range ImpactSubjects {
		sameBytes(t, "impact.csv?of="+string(id), a.CSV[id], b.CSV[id])
	}
}

func sameBytes(t *testing.T, what string, a, b []byte) {
	t.Helper()
	if bytes.Equal(a, b) {
		return
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	t.Errorf("%s differs from byte %d (lengths %d, %d):\n a …%.400s\n b …%.400s", what, i, len(a), len(b), a[from:], b[from:])
}
