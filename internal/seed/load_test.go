package seed

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bif-kk/orggraph/internal/domain"
)

const sources = `document: doc.txt
sections:
  - key: cbe
    section: CBE
  - key: reform
    section: Implementering af beskæftigelsesreform
    slide: 15
`

const goodNodes = `nodes:
  - id: centre:cbe
    name: CBE
    code: CBE
    sources: [cbe]
    figures:
      - {name: Medarbejdere, measure: employees, value: 608, unit: persons, year: 2025, source: cbe}
  - id: targetgroup:sygedagpenge
    name: Sygedagpenge
    sources: [cbe]
  - id: reformphase:2026-07-01
    name: 1. juli 2026
    effectiveDate: 2026-07-01
    legalStatus: Lovforslag fremsat i november 2025
    sources: [reform]
  - id: reformchange:sygemeldte-ud
    name: Sygemeldte fra beskæftigelse ud af beskæftigelsesindsatsen
    sources: [reform]
links:
  - {from: centre:cbe, rel: SERVES, to: targetgroup:sygedagpenge, sources: [cbe]}
  - {from: reformphase:2026-07-01, rel: INCLUDES, to: reformchange:sygemeldte-ud, sources: [reform]}
  - from: reformchange:sygemeldte-ud
    rel: AFFECTS
    to: targetgroup:sygedagpenge
    basis: INFERRED
    rationale: Sygemeldte fra beskæftigelse are among CBE's sygedagpenge group.
    sources: [reform]
`

func load(t *testing.T, files map[string]string) (*domain.Graph, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return LoadFS(fsys, "seed")
}

func TestLoadGood(t *testing.T) {
	g, err := load(t, map[string]string{"00-sources.yaml": sources, "10-nodes.yaml": goodNodes})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 4 || len(g.Relationships) != 3 {
		t.Fatalf("got %d nodes, %d links", len(g.Nodes), len(g.Relationships))
	}
	change := g.Nodes[3]
	if change.EffectiveDate == nil || *change.EffectiveDate != "2026-07-01" {
		t.Fatalf("reform item did not take its phase's date: %v", change.EffectiveDate)
	}
	if s := g.Relationships[1].Sources[0]; s.Slide == nil || *s.Slide != 15 || s.Document != "doc.txt" {
		t.Fatalf("source not resolved: %+v", s)
	}
	if f, ok := g.Nodes[0].Figure(domain.MeasureEmployees); !ok || f.Value != 608 || *f.Year != 2025 {
		t.Fatalf("figure not read: %+v", f)
	}
}

// TestLoadRefusesBadSeed names, for each kind of bad data, the file, the
// line and the offending key the error must carry.
func TestLoadRefusesBadSeed(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // in goodNodes
		extra   string    // appended to goodNodes
		want    []string
	}{
		{
			name:    "unknown reference",
			replace: [2]string{"to: targetgroup:sygedagpenge, sources: [cbe]}", "to: targetgroup:nowhere, sources: [cbe]}"},
			want:    []string{"seed/10-nodes.yaml:20:", "centre:cbe -SERVES-> targetgroup:nowhere", `unknown reference to: "targetgroup:nowhere"`},
		},
		{
			name:  "duplicate key",
			extra: "  - {from: centre:cbe, rel: SERVES, to: targetgroup:sygedagpenge, sources: [cbe]}\n",
			want:  []string{"seed/10-nodes.yaml:28:", "duplicate link (first at seed/10-nodes.yaml:20)"},
		},
		{
			name:    "duplicate node id",
			replace: [2]string{"id: targetgroup:sygedagpenge", "id: centre:cbe"},
			want:    []string{"seed/10-nodes.yaml:8: centre:cbe: duplicate id (first at seed/10-nodes.yaml:2)"},
		},
		{
			name:    "missing source",
			replace: [2]string{"    name: Sygedagpenge\n    sources: [cbe]\n", "    name: Sygedagpenge\n"},
			want:    []string{"seed/10-nodes.yaml:8: targetgroup:sygedagpenge: missing source"},
		},
		{
			name:    "unknown source key",
			replace: [2]string{"name: Sygedagpenge\n    sources: [cbe]", "name: Sygedagpenge\n    sources: [cbf]"},
			want:    []string{"seed/10-nodes.yaml:10: targetgroup:sygedagpenge:", `unknown source "cbf"`},
		},
		{
			name:    "inferred without rationale",
			replace: [2]string{"    rationale: Sygemeldte fra beskæftigelse are among CBE's sygedagpenge group.\n", ""},
			want:    []string{"seed/10-nodes.yaml:25:", "reformchange:sygemeldte-ud -AFFECTS-> targetgroup:sygedagpenge", "needs a rationale"},
		},
		{
			name:    "unknown relationship kind",
			replace: [2]string{"rel: SERVES", "rel: SERVICES"},
			want:    []string{"seed/10-nodes.yaml:20:", `unknown relationship kind "SERVICES"`},
		},
		{
			name:    "relationship between wrong kinds",
			replace: [2]string{"rel: SERVES", "rel: PAYS"},
			want:    []string{"PAYS cannot join a Centre to a TargetGroup"},
		},
		{
			name:    "unknown node kind",
			replace: [2]string{"id: targetgroup:sygedagpenge\n", "id: targetgruppe:sygedagpenge\n"},
			want:    []string{"seed/10-nodes.yaml:8: targetgruppe:sygedagpenge:", `unknown kind "targetgruppe"`},
		},
		{
			name:    "misspelt key",
			replace: [2]string{"    name: Sygedagpenge\n", "    name: Sygedagpenge\n    descripton: x\n"},
			want:    []string{"seed/10-nodes.yaml:10: descripton: unknown node key"},
		},
		{
			name:    "bad date",
			replace: [2]string{"effectiveDate: 2026-07-01", "effectiveDate: 2026-13-01"},
			want:    []string{"seed/10-nodes.yaml:13: reformphase:2026-07-01:", "effectiveDate"},
		},
		{
			name:    "broken yaml",
			replace: [2]string{"  - id: centre:cbe\n", "  - id: [centre:cbe\n"},
			want:    []string{"seed/10-nodes.yaml:", "yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := goodNodes
			if tt.replace[0] != "" {
				if !strings.Contains(body, tt.replace[0]) {
					t.Fatalf("test fixture does not contain %q", tt.replace[0])
				}
				body = strings.Replace(body, tt.replace[0], tt.replace[1], 1)
			}
			g, err := load(t, map[string]string{"00-sources.yaml": sources, "10-nodes.yaml": body + tt.extra})
			if err == nil {
				t.Fatalf("loaded bad seed without error (%d nodes)", len(g.Nodes))
			}
			if g != nil {
				t.Fatal("a graph came back with the error")
			}
			if !errors.Is(err, domain.ErrInvalidInput) || !IsSeedError(err) {
				t.Fatalf("error is not a seed error: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadEmptyDirIsAnError(t *testing.T) {
	if _, err := load(t, map[string]string{}); err == nil {
		t.Fatal("an empty seed loaded")
	}
}

func TestNodesAndLinksMustBeLists(t *testing.T) {
	for _, key := range []string{"nodes", "links"} {
		fsys := fstest.MapFS{"a.yaml": {Data: []byte("document: D\n" + key + ":\n  id: centre:x\n")}}
		_, err := LoadFS(fsys, "seed")
		if err == nil || !strings.Contains(err.Error(), "seed/a.yaml:3: "+key+": "+key+" must be a list") {
			t.Errorf("%s as a mapping: got %v", key, err)
		}
	}
}
