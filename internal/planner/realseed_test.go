package planner_test

import (
	"context"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store/memstore"
)

func realStore(t *testing.T) *memstore.Store {
	t.Helper()
	return seedtest.Store(t)
}

func centresOf(imp *planner.Impact) map[domain.ID]domain.Basis {
	out := map[domain.ID]domain.Basis{}
	for _, c := range imp.Centres {
		out[c.Centre] = c.Basis
	}
	return out
}

func TestRealSeedImpact(t *testing.T) {
	st := realStore(t)
	tests := []struct {
		of      domain.ID
		reaches map[domain.ID]domain.Basis
		never   []domain.ID
	}{
		// The issue's own example.
		{"reformchange:afskaffelse-af-ressourceforloeb",
			map[domain.ID]domain.Basis{"centre:cba": domain.Explicit, "centre:ydelsesservice": domain.Inferred},
			[]domain.ID{"centre:cbe", "centre:csi"}},
		// The business transfer reaches CBE through the business service,
		// and not Ungecenteret by way of the Reformsekretariat, which
		// coordinates both transfers.
		{"transfer:erhvervsindsats",
			map[domain.ID]domain.Basis{"centre:cbe": domain.Inferred},
			[]domain.ID{"centre:ungecenteret"}},
		{"transfer:ungeindsats",
			map[domain.ID]domain.Basis{"centre:ungecenteret": domain.Explicit},
			[]domain.ID{"centre:cbe"}},
		{"reformchange:afskaffelse-af-jobafklaringsforloeb",
			map[domain.ID]domain.Basis{"centre:cbe": domain.Explicit},
			nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.of), func(t *testing.T) {
			imp, err := planner.ImpactOf(context.Background(), st, tt.of)
			if err != nil {
				t.Fatal(err)
			}
			got := centresOf(imp)
			for c, basis := range tt.reaches {
				if got[c] != basis {
					t.Errorf("%s: basis %q, want %q (all: %v)", c, got[c], basis, got)
				}
			}
			for _, c := range tt.never {
				if _, ok := got[c]; ok {
					t.Errorf("reaches %s, which it should not", c)
				}
			}
			for _, c := range imp.Centres {
				for _, p := range c.Paths {
					for _, s := range p.Steps {
						if s.Rel.Basis == domain.Inferred && s.Rel.Rationale == "" {
							t.Errorf("inferred step without rationale: %s", s.Rel.Key())
						}
					}
				}
			}
		})
	}
}
