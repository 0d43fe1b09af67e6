package exporttest

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/planner"
	"github.com/bif-kk/orggraph/internal/store"
)

// csvHeader is written out here, not taken from the export package, so a
// renamed column fails a test.
var csvHeader = []string{
	"centre_code", "centre_name", "centre_basis",
	"path_rank", "path_basis", "steps", "item_id", "path", "rationale",
}

const bom = "\ufeff"

// ImpactRow is one parsed row of an impact sheet.
type ImpactRow map[string]string

// ParseImpactCSV reads an impact sheet back with encoding/csv: it must
// start with a UTF-8 byte order mark, then the header, then rows of as many
// fields.
func ParseImpactCSV(t testing.TB, body []byte) []ImpactRow {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte(bom))
	if !ok {
		t.Fatalf("no UTF-8 byte order mark: starts %q", body[:min(len(body), 8)])
	}
	recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], csvHeader) {
		t.Fatalf("header = %q, want %q", recs[0], csvHeader)
	}
	var rows []ImpactRow
	for _, rec := range recs[1:] {
		row := ImpactRow{}
		for i, h := range csvHeader {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// CheckImpactCSV reads the impact sheet of id back and checks it against
// what planner.ImpactOf answers on oracle: one row per centre and path, in
// the planner's order, each with the centre, the bases, the path's steps
// as statements and the rationale of each inferred step.
func CheckImpactCSV(t *testing.T, body []byte, oracle store.Store, id domain.ID) []ImpactRow {
	t.Helper()
	rows := ParseImpactCSV(t, body)
	ctx := context.Background()
	imp, err := planner.ImpactOf(ctx, oracle, id)
	if err != nil {
		t.Fatal(err)
	}
	var want []ImpactRow
	for _, c := range imp.Centres {
		nodes, err := oracle.NodesByID(ctx, []domain.ID{c.Centre})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range c.Paths {
			var stmts, why []string
			for j, s := range p.Steps {
				ends, err := oracle.NodesByID(ctx, []domain.ID{s.Rel.From, s.Rel.To})
				if err != nil {
					t.Fatal(err)
				}
				stmts = append(stmts, ends[s.Rel.From].Name+" "+string(s.Rel.Kind)+" "+ends[s.Rel.To].Name)
				if s.Rel.Basis == domain.Inferred {
					why = append(why, "step "+strconv.Itoa(j+1)+": "+s.Rel.Rationale)
				}
			}
			want = append(want, ImpactRow{
				"centre_code": nodes[c.Centre].Code, "centre_name": nodes[c.Centre].Name, "centre_basis": string(c.Basis),
				"path_rank": strconv.Itoa(i + 1), "path_basis": string(p.Basis()), "steps": strconv.Itoa(len(p.Steps)),
				"item_id": string(p.Steps[0].From), "path": strings.Join(stmts, " → "), "rationale": strings.Join(why, " | "),
			})
		}
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i := range want {
		for _, h := range csvHeader {
			if rows[i][h] != want[i][h] {
				t.Errorf("row %d %s = %q, want %q", i+1, h, rows[i][h], want[i][h])
			}
		}
	}
	for _, r := range rows {
		if r["path_basis"] == string(domain.Inferred) && r["rationale"] == "" {
			t.Errorf("inferred path without a rationale: %v", r)
		}
	}
	return rows
}

// checkSeedImpact asserts what the issue names, on seed/.
func checkSeedImpact(t *testing.T, id domain.ID, rows []ImpactRow) {
	t.Helper()
	basisOf := map[string]string{}
	for _, r := range rows {
		basisOf[r["centre_code"]] = r["centre_basis"]
	}
	switch id {
	case "reformchange:afskaffelse-af-ressourceforloeb":
		if basisOf["CBA"] != "EXPLICIT" || basisOf["Ydelsesservice"] != "INFERRED" {
			t.Errorf("centres and bases: %v", basisOf)
		}
		first := rows[0]
		if first["centre_code"] != "CBA" || first["path_rank"] != "1" ||
			first["path"] != "Afskaffelse af ressourceforløb PHASES_OUT Ressourceforløb → CBA SERVES Ressourceforløb" {
			t.Errorf("first row = %v", first)
		}
		for _, r := range rows {
			if r["centre_code"] == "Ydelsesservice" && r["path_rank"] == "1" &&
				!strings.HasPrefix(r["rationale"], "step 1: Ressourceforløbsydelse is the benefit paid to citizens in a ressourceforløb, which Ydelsesservice decides on and pays") {
				t.Errorf("Ydelsesservice's first path without the inference's rationale: %v", r)
			}
		}
	case "reformphase:2026-02-01":
		// The phase's items, among them the one above, reach CBA explicitly.
		if basisOf["CBA"] != "EXPLICIT" {
			t.Errorf("centres and bases: %v", basisOf)
		}
		items := map[string]bool{}
		for _, r := range rows {
			items[r["item_id"]] = true
		}
		if !items["reformchange:afskaffelse-af-ressourceforloeb"] || len(items) < 2 {
			t.Errorf("paths start from %v", items)
		}
	case "reform:beskaeftigelsesreform":
		if len(basisOf) < 5 {
			t.Errorf("the reform reaches only %v", basisOf)
		}
	}
	if len(rows) == 0 && id != "centre:cbe" {
		t.Errorf("no rows")
	}
}
