package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

func main() {
	ctx := context.Background()
	d, err := neo4j.NewDriverWithContext(os.Getenv("NEO4J_URI"), neo4j.BasicAuth(os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD"), ""))
	if err != nil {
		panic(err)
	}
	defer d.Close(ctx)
	run := func(q string, p map[string]any) *neo4j.EagerResult {
		r, err := neo4j.ExecuteQuery(ctx, d, q, p, neo4j.EagerResultTransformer)
		if err != nil {
			panic(err)
		}
		return r
	}
	r := run("MATCH (c:Centre) RETURN collect(c.id) AS ids", nil)
	centres := r.Records[0].Values[0].([]any)
	r = run("MATCH (c:Centre)-[:SERVES]->(t) RETURN collect(DISTINCT t.id) AS ids", nil)
	tgs := r.Records[0].Values[0].([]any)
	fmt.Println("centres", len(centres), "tgs", len(tgs))
	plain := os.Getenv("PLAIN")
	qs := map[string]struct {
		q   string
		ids []any
	}{
		"L1 SERVES out":  {"MATCH (a:Node)-[r:SERVES]->(b:Node) WHERE a.id IN $ids0 RETURN 0 AS q, a.id AS at, r.seq AS seq, b", centres},
		"L2 SERVES in":   {"MATCH (a:Node)<-[r:SERVES]-(b:Node) WHERE a.id IN $ids0 RETURN 0 AS q, a.id AS at, r.seq AS seq, b", tgs},
		"L3 DELIVERS":    {"MATCH (a:Node)-[r:DELIVERS]->(b:Node) WHERE a.id IN $ids0 RETURN 0 AS q, a.id AS at, r.seq AS seq, b", centres},
		"L4 PAID_TO in":  {"MATCH (a:Node)<-[r:PAID_TO]-(b:Node) WHERE a.id IN $ids0 RETURN 0 AS q, a.id AS at, r.seq AS seq, b", tgs},
	}
	for name, x := range qs {
		full := "CALL { " + x.q + " } WITH q, at, seq, b ORDER BY seq WITH collect([q, at, b.id]) AS links, collect(DISTINCT b) AS far RETURN links, [b IN far | " + plain + "] AS nodes"
		if t := os.Getenv("TMPL"); t != "" {
			full = strings.ReplaceAll(t, "BRANCH", x.q)
		}
		for i := 0; i < 20; i++ {
			run(full, map[string]any{"ids0": x.ids})
		}
		start := time.Now()
		for i := 0; i < 20; i++ {
			run(full, map[string]any{"ids0": x.ids})
		}
		el := time.Since(start) / 20
		r := run("PROFILE "+full, map[string]any{"ids0": x.ids})
		fmt.Printf("%s: %v per call; %d records\n", name, el, len(r.Records))
		if len(os.Args) > 1 {
			printPlan(r.Summary.Profile(), "  ")
		}
	}
}

func printPlan(p neo4j.ProfiledPlan, indent string) {
	fmt.Printf("%s%s rows=%d dbhits=%d %v\n", indent, p.Operator(), p.Records(), p.DbHits(), p.Arguments()["Details"])
	for _, c := range p.Children() {
		printPlan(c, indent+"  ")
	}
}
