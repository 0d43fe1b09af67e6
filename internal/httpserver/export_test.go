package httpserver

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/export/exporttest"
	"github.com/bif-kk/orggraph/internal/scenario"
	"github.com/bif-kk/orggraph/internal/seed/seedtest"
	"github.com/bif-kk/orggraph/internal/store"
)

func seededServer(t *testing.T) (http.Handler, *domain.Graph, store.Store) {
	t.Helper()
	g := seedtest.Graph(t)
	st := seedtest.Mem(t, g)
	return testServer(slog.New(slog.DiscardHandler), st, Options{}), g, st
}

// Each export, fetched over HTTP, is what the export package's checks
// accept when they parse it back.
func TestExportsOverHTTP(t *testing.T) {
	h, g, st := seededServer(t)
	tests := []struct {
		path        string
		contentType string
		disposition string
		check       func(t *testing.T, body []byte)
	}{
		{"/export/graph.jsonld", "application/ld+json; charset=utf-8", "",
			func(t *testing.T, body []byte) { exporttest.CheckJSONLD(t, body, g) }},
		{"/export/graph.graphml", "application/xml; charset=utf-8", `attachment; filename="graph.graphml"`,
			func(t *testing.T, body []byte) { exporttest.CheckGraphML(t, body, g) }},
		{"/export/impact.csv?of=reformchange:afskaffelse-af-ressourceforloeb", "text/csv; charset=utf-8",
			`attachment; filename="impact-reformchange_afskaffelse-af-ressourceforloeb.csv"`,
			func(t *testing.T, body []byte) {
				exporttest.CheckImpactCSV(t, body, st, "reformchange:afskaffelse-af-ressourceforloeb")
			}},
		{"/export/impact.csv?of=reformphase:2026-02-01", "text/csv; charset=utf-8",
			`attachment; filename="impact-reformphase_2026-02-01.csv"`,
			func(t *testing.T, body []byte) {
				if rows := exporttest.CheckImpactCSV(t, body, st, "reformphase:2026-02-01"); len(rows) == 0 {
					t.Error("a reform phase's sheet has no rows")
				}
			}},
		{"/export/impact.csv?of=reform:beskaeftigelsesreform", "text/csv; charset=utf-8",
			`attachment; filename="impact-reform_beskaeftigelsesreform.csv"`,
			func(t *testing.T, body []byte) {
				if rows := exporttest.CheckImpactCSV(t, body, st, "reform:beskaeftigelsesreform"); len(rows) == 0 {
					t.Error("the reform's sheet has no rows")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := send(h, http.MethodGet, tt.path, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := rec.Header().Get("Content-Disposition"); got != tt.disposition {
				t.Errorf("Content-Disposition = %q, want %q", got, tt.disposition)
			}
			if got := rec.Header().Get("Content-Length"); got != fmt.Sprint(rec.Body.Len()) {
				t.Errorf("Content-Length = %q for %d bytes", got, rec.Body.Len())
			}
			tt.check(t, rec.Body.Bytes())

			// Deterministic: the same bytes again, and the ETag revalidates.
			etag := rec.Header().Get("ETag")
			again := send(h, http.MethodGet, tt.path, "")
			if !bytes.Equal(again.Body.Bytes(), rec.Body.Bytes()) || again.Header().Get("ETag") != etag || etag == "" {
				t.Errorf("a second fetch differs (ETag %q, then %q)", etag, again.Header().Get("ETag"))
			}
			if cached := send(h, http.MethodGet, tt.path, "", "If-None-Match", etag); cached.Code != http.StatusNotModified || cached.Body.Len() != 0 {
				t.Errorf("If-None-Match: status %d, %d bytes; want 304 and none", cached.Code, cached.Body.Len())
			}
		})
	}
}

func TestImpactCSVRefusesBadIDs(t *testing.T) {
	h, _, _ := seededServer(t)
	tests := []struct {
		name, query string
		status      int
		code        string
	}{
		{"no of", "", http.StatusBadRequest, "BAD_USER_INPUT"},
		{"empty of", "?of=", http.StatusBadRequest, "BAD_USER_INPUT"},
		{"no kind", "?of=cbe", http.StatusBadRequest, "BAD_USER_INPUT"},
		{"unknown kind", "?of=person:cbe", http.StatusBadRequest, "BAD_USER_INPUT"},
		{"upper case key", "?of=centre:CBE", http.StatusBadRequest, "BAD_USER_INPUT"},
		{"Danish letter in key", "?of=centre:cd%C3%B8", http.StatusBadRequest, "BAD_USER_INPUT"},
		{"header injection", "?of=centre:cbe%22%0D%0AX-Evil:%201", http.StatusBadRequest, "BAD_USER_INPUT"},
		{"unknown id", "?of=centre:nope", http.StatusNotFound, "NOT_FOUND"},
		{"unknown reform item", "?of=reformchange:afskaffelse-af-alt", http.StatusNotFound, "NOT_FOUND"},
		{"unknown dialect", "?of=centre:cbe&dialect=excel", http.StatusBadRequest, "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(h, http.MethodGet, "/export/impact.csv"+tt.query, "")
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if rec.Header().Get("Content-Disposition") != "" || rec.Header().Get("X-Evil") != "" {
				t.Errorf("headers: %v", rec.Header())
			}
			if code := onlyCode(t, rec.Body.Bytes()); code != tt.code {
				t.Errorf("code %s, want %s: %s", code, tt.code, rec.Body)
			}
		})
	}
}

// failingStore holds the real seed but fails the calls the exports make
// with err.
type failingStore struct {
	store.Store
	err error
}

func (s failingStore) Snapshot(context.Context) (*domain.Graph, error) { return nil, s.err }

func (s failingStore) NodesByID(context.Context, []domain.ID) (map[domain.ID]*domain.Node, error) {
	return nil, s.err
}

func (s failingStore) ImpactPaths(context.Context, []domain.ID, int) (map[domain.ID][]domain.Path, error) {
	return nil, s.err
}

// A store that fails gives every export an error code and nothing of the
// store's own text, which is logged instead.
func TestExportsWhenTheStoreFails(t *testing.T) {
	_, _, st := seededServer(t)
	const secret = "neo4j: connection refused bolt://10.0.0.7:7687"
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"unavailable", fmt.Errorf("neo4jstore: snapshot: %w: %s", domain.ErrUnavailable, secret), http.StatusServiceUnavailable, "UNAVAILABLE"},
		{"timed out", fmt.Errorf("%s: %w", secret, context.DeadlineExceeded), http.StatusServiceUnavailable, "TIMEOUT"},
		{"anything else", errors.New(secret), http.StatusInternalServerError, "INTERNAL"},
	}
	for _, tt := range tests {
		for _, path := range []string{"/export/graph.jsonld", "/export/graph.graphml", "/export/impact.csv?of=centre:cbe"} {
			t.Run(tt.name+" "+path, func(t *testing.T) {
				var logs bytes.Buffer
				h := testServer(slog.New(slog.NewJSONHandler(&logs, nil)), failingStore{st, tt.err}, Options{})
				rec := send(h, http.MethodGet, path, "")
				if rec.Code != tt.status {
					t.Errorf("status = %d, want %d", rec.Code, tt.status)
				}
				if code := onlyCode(t, rec.Body.Bytes()); code != tt.code {
					t.Errorf("code %s, want %s: %s", code, tt.code, rec.Body)
				}
				if strings.Contains(rec.Body.String(), "bolt") || strings.Contains(rec.Body.String(), "neo4j") {
					t.Errorf("body leaks the store's error: %s", rec.Body)
				}
				if !strings.Contains(logs.String(), "10.0.0.7") {
					t.Errorf("the store's error is not logged:\n%s", logs.String())
				}
			})
		}
	}
}

func TestImpactFilename(t *testing.T) {
	tests := []struct{ id, want string }{
		{"reformchange:afskaffelse-af-ressourceforloeb", "impact-reformchange_afskaffelse-af-ressourceforloeb.csv"},
		{"reformphase:2026-02-01", "impact-reformphase_2026-02-01.csv"},
		{`a"b\c/d` + "\r\n", "impact-a_b_c_d__.csv"},
		{"centre:cdø", "impact-centre_cd__.csv"},
		{strings.Repeat("x", 300), "impact-" + strings.Repeat("x", 100) + ".csv"},
	}
	for _, tt := range tests {
		if got := impactFilename(tt.id); got != tt.want {
			t.Errorf("impactFilename(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// TestImpactCSVInDanish: ?dialect=da is the sheet as Excel under Danish
// settings reads it, ';' between fields; the same cells as the default.
func TestImpactCSVInDanish(t *testing.T) {
	h, _, _ := seededServer(t)
	const path = "/export/impact.csv?of=reformchange:afskaffelse-af-ressourceforloeb"
	read := func(query string, comma rune) [][]string {
		t.Helper()
		rec := send(h, http.MethodGet, path+query, "")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%s: status %d, Content-Type %q", query, rec.Code, rec.Header().Get("Content-Type"))
		}
		body, ok := strings.CutPrefix(rec.Body.String(), "\ufeff")
		if !ok {
			t.Fatalf("%s: no byte order mark", query)
		}
		r := csv.NewReader(strings.NewReader(body))
		r.Comma = comma
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return rows
	}
	plain := read("", ',')
	for _, query := range []string{"&dialect=da", "&dialect=DA"} {
		danish := read(query, ';')
		if !reflect.DeepEqual(danish, plain) {
			t.Errorf("%s: other cells than the default:\n%v\n%v", query, danish, plain)
		}
	}
	if len(plain) < 2 || len(plain[0]) != 9 {
		t.Fatalf("the sheet has %d rows of %d cells", len(plain), len(plain[0]))
	}
	if rec := send(h, http.MethodGet, path+"&dialect=da", ""); !strings.HasPrefix(rec.Body.String(), "\ufeffcentre_code;centre_name;") {
		t.Errorf("the Danish sheet's header: %.60q", rec.Body.String())
	}
	if explicit := read("&dialect=rfc4180", ','); !reflect.DeepEqual(explicit, plain) {
		t.Error("dialect=rfc4180 differs from the default")
	}
}

// With ?scenario=, each export is of the graph the scenario makes: moved
// to CBE, Ressourceforløb takes the reform item's reach with it, in the
// impact sheet and in the graph exports, while the baseline's stay.
func TestExportsInsideAScenario(t *testing.T) {
	st := seedtest.Writable(t, t.TempDir())
	ctx := context.Background()
	sc, _, err := st.ApplyScenario(ctx, domain.ScenarioWrite{Op: domain.CreateScenario, Actor: "anna", Name: "Til CBE"})
	if err != nil {
		t.Fatal(err)
	}
	views := scenario.New(st)
	for _, w := range []domain.Write{
		{Op: domain.DeleteLink, Actor: "anna", ExpectedVersion: 1, Rel: &domain.Relationship{Kind: domain.RelServes, From: "centre:cba", To: "targetgroup:ressourceforloeb"}},
		{Op: domain.CreateLink, Actor: "anna", Rel: &domain.Relationship{Kind: domain.RelServes, From: "centre:cbe", To: "targetgroup:ressourceforloeb",
			Basis: domain.Explicit, Sources: []domain.Source{{Document: "planlaegning.docx", Section: "Udkast"}}}},
	} {
		if _, _, err := views.Change(ctx, sc.ID, w); err != nil {
			t.Fatal(err)
		}
	}
	h := testServer(slog.New(slog.DiscardHandler), st, Options{})
	const csv = "/export/impact.csv?of=reformchange:afskaffelse-af-ressourceforloeb"
	inside := send(h, http.MethodGet, csv+"&scenario=scenario:"+sc.ID, "")
	base := send(h, http.MethodGet, csv, "")
	if inside.Code != http.StatusOK || base.Code != http.StatusOK {
		t.Fatalf("status %d inside, %d on the baseline", inside.Code, base.Code)
	}
	if body := inside.Body.String(); !strings.Contains(body, "CBE SERVES Ressourceforløb") || strings.Contains(body, "CBA SERVES Ressourceforløb") {
		t.Errorf("the scenario's impact sheet:\n%s", body)
	}
	if body := base.Body.String(); !strings.Contains(body, "CBA SERVES Ressourceforløb") || strings.Contains(body, "CBE SERVES Ressourceforløb") {
		t.Errorf("the baseline's impact sheet:\n%s", body)
	}
	for _, path := range []string{"/export/graph.graphml", "/export/graph.jsonld"} {
		in, out := send(h, http.MethodGet, path+"?scenario=scenario:"+sc.ID, "").Body.String(), send(h, http.MethodGet, path, "").Body.String()
		if in == out || !strings.Contains(in, "centre:cbe") {
			t.Errorf("%s is the same inside the scenario", path)
		}
	}
	if rec := send(h, http.MethodGet, csv+"&scenario=scenario:s404", ""); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown scenario: status %d", rec.Code)
	}
	if rec := send(h, http.MethodGet, csv+"&scenario=scenario:s1/centre:cba", ""); rec.Code != http.StatusBadRequest {
		t.Errorf("a node's id as the scenario: status %d", rec.Code)
	}
}
