package exporttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/export"
)

// Namespaces the checks name terms by.
const (
	nsOrg     = "http://www.w3.org/ns/org#"
	nsProv    = "http://www.w3.org/ns/prov#"
	nsRDF     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsRDFS    = "http://www.w3.org/2000/01/rdf-schema#"
	nsSKOS    = "http://www.w3.org/2004/02/skos/core#"
	nsDCTerms = "http://purl.org/dc/terms/"
	nsXSD     = "http://www.w3.org/2001/XMLSchema#"
	og        = export.Vocab

	rdfType         = nsRDF + "type"
	wasDerivedFrom  = nsProv + "wasDerivedFrom"
	xsdString       = nsXSD + "string"
	xsdInteger      = nsXSD + "integer"
	xsdDate         = nsXSD + "date"
	langString      = nsRDF + "langString"
	dctermsTitle    = nsDCTerms + "title"
	dctermsPartOf   = nsDCTerms + "isPartOf"
	dctermsID       = nsDCTerms + "identifier"
	skosPrefLabel   = nsSKOS + "prefLabel"
	skosNote        = nsSKOS + "note"
	orgHasUnit      = nsOrg + "hasUnit"
	orgUnitOf       = nsOrg + "unitOf"
	ogSlide         = og + "slide"
	ogBasis         = og + "basis"
	ogRationale     = og + "rationale"
	rdfStatement    = nsRDF + "Statement"
	rdfSubject      = nsRDF + "subject"
	rdfPredicate    = nsRDF + "predicate"
	rdfObject       = nsRDF + "object"
	rdfProperty     = nsRDF + "Property"
	rdfsClass       = nsRDFS + "Class"
	orgUnit         = nsOrg + "OrganizationalUnit"
	orgOrganization = nsOrg + "Organization"
	orgChangeEvent  = nsOrg + "ChangeEvent"
)

// Term is an RDF term: an IRI, a blank node ("_:b0") or a literal.
type Term struct {
	Literal  bool
	Value    string
	Datatype string // literals only
	Lang     string
}

func iri(v string) Term { return Term{Value: v} }

func lit(v, datatype, lang string) Term {
	return Term{Literal: true, Value: v, Datatype: datatype, Lang: lang}
}

func (t Term) String() string {
	if !t.Literal {
		return "<" + t.Value + ">"
	}
	if t.Lang != "" {
		return strconv.Quote(t.Value) + "@" + t.Lang
	}
	return strconv.Quote(t.Value) + "^^<" + t.Datatype + ">"
}

// Triples is the default graph of an expanded JSON-LD document.
type Triples struct {
	all []triple
	sp  map[[2]string][]Term // subject, predicate → objects
	po  map[string][]string  // predicate + object → subjects
}

type triple struct {
	S, P string
	O    Term
}

// Objects returns the objects of s p, in document order.
func (ts *Triples) Objects(s, p string) []Term { return ts.sp[[2]string{s, p}] }

// Subjects returns the subjects of p o.
func (ts *Triples) Subjects(p string, o Term) []string { return ts.po[p+" "+o.String()] }

// Has reports whether the triple s p o holds.
func (ts *Triples) Has(s, p string, o Term) bool {
	for _, x := range ts.Objects(s, p) {
		if x == o {
			return true
		}
	}
	return false
}

// offline is a JSON-LD document loader that refuses every URL: the export's
// @context is inline, so a processor must need nothing from the network.
type offline struct{ asked *[]string }

func (o offline) LoadDocument(u string) (*ld.RemoteDocument, error) {
	*o.asked = append(*o.asked, u)
	return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, "offline: no document may be loaded: "+u)
}

// ParseJSONLD expands body with json-gold, offline, and returns its triples.
func ParseJSONLD(t testing.TB, body []byte) *Triples {
	t.Helper()
	doc, err := ld.DocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var asked []string
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = offline{&asked}
	proc := ld.NewJsonLdProcessor()
	expanded, err := proc.Expand(doc, opts)
	if err != nil {
		t.Fatalf("json-ld expansion: %v", err)
	}
	if len(expanded) == 0 {
		t.Fatal("json-ld expands to nothing")
	}
	out, err := proc.ToRDF(doc, opts)
	if err != nil {
		t.Fatalf("json-ld to RDF: %v", err)
	}
	if len(asked) > 0 {
		t.Fatalf("the processor asked for documents: %v", asked)
	}
	ds, ok := out.(*ld.RDFDataset)
	if !ok {
		t.Fatalf("ToRDF returned %T", out)
	}
	if len(ds.Graphs) != 1 {
		t.Errorf("want only the default graph, got %d graphs", len(ds.Graphs))
	}
	ts := &Triples{sp: map[[2]string][]Term{}, po: map[string][]string{}}
	for _, q := range ds.GetQuads("@default") {
		tr := triple{S: nodeValue(t, q.Subject).Value, P: nodeValue(t, q.Predicate).Value, O: nodeValue(t, q.Object)}
		ts.all = append(ts.all, tr)
		ts.sp[[2]string{tr.S, tr.P}] = append(ts.sp[[2]string{tr.S, tr.P}], tr.O)
		ts.po[tr.P+" "+tr.O.String()] = append(ts.po[tr.P+" "+tr.O.String()], tr.S)
	}
	return ts
}

func nodeValue(t testing.TB, n ld.Node) Term {
	switch v := n.(type) {
	case ld.IRI:
		return iri(v.Value)
	case ld.BlankNode:
		return iri(v.Attribute)
	case ld.Literal:
		return lit(v.Value, v.Datatype, v.Language)
	}
	t.Fatalf("unexpected RDF node %T", n)
	return Term{}
}

// CheckJSONLD checks a JSON-LD export of g: its @context is inline and maps
// the org and prov prefixes; every node of g is one top-level object; and,
// expanded to RDF, every node has its kind, ID, Danish name and sources
// (document, section, slide), and every relationship its triple and a
// reified statement that keeps its basis, rationale, note and dates.
func CheckJSONLD(t *testing.T, body []byte, g *domain.Graph) *Triples {
	t.Helper()
	t.Run("json and context", func(t *testing.T) { checkJSONLDShape(t, body, g) })
	ts := ParseJSONLD(t, body)

	t.Run("IRIs are absolute ASCII", func(t *testing.T) {
		check := func(v string) {
			if strings.HasPrefix(v, "_:") {
				return
			}
			u, err := url.Parse(v)
			if err != nil || !u.IsAbs() || u.Host == "" {
				t.Errorf("not an absolute IRI: %q", v)
			}
			for _, r := range v {
				if r > '~' || r <= ' ' {
					t.Errorf("IRI %q holds %q", v, r)
					break
				}
			}
		}
		for _, tr := range ts.all {
			check(tr.S)
			check(tr.P)
			if !tr.O.Literal {
				check(tr.O.Value)
			}
		}
	})

	t.Run("nodes", func(t *testing.T) {
		for _, n := range g.Nodes {
			s := export.NodeIRI(n.ID)
			if got := ts.Objects(s, dctermsID); len(got) != 1 || got[0] != lit(string(n.ID), xsdString, "") {
				t.Errorf("%s dcterms:identifier = %v, want one %q", n.ID, got, n.ID)
			}
			if got := ts.Objects(s, skosPrefLabel); len(got) != 1 || got[0] != lit(n.Name, langString, "da") {
				t.Errorf("%s skos:prefLabel = %v, want %q@da", n.ID, got, n.Name)
			}
			if !ts.Has(s, rdfType, iri(og+string(n.Kind))) {
				t.Errorf("%s is not an og:%s", n.ID, n.Kind)
			}
			if want, ok := wantOrgClass[n.Kind]; ok && !ts.Has(s, rdfType, iri(want)) {
				t.Errorf("%s (%s) is not a %s", n.ID, n.Kind, want)
			}
			checkSources(t, ts, s, n.Sources)
		}
	})

	t.Run("relationships", func(t *testing.T) {
		for _, r := range g.Relationships {
			from, to := export.NodeIRI(r.From), export.NodeIRI(r.To)
			pred := og + string(r.Kind)
			if !ts.Has(from, pred, iri(to)) {
				t.Errorf("missing triple %s", r.Key())
			}
			var stmts []string
			for _, x := range ts.Subjects(rdfSubject, iri(from)) {
				if ts.Has(x, rdfPredicate, iri(pred)) && ts.Has(x, rdfObject, iri(to)) {
					stmts = append(stmts, x)
				}
			}
			if len(stmts) != 1 {
				t.Errorf("%s: %d statements, want 1", r.Key(), len(stmts))
				continue
			}
			x := stmts[0]
			if !ts.Has(x, rdfType, iri(rdfStatement)) {
				t.Errorf("%s: statement %s is not an rdf:Statement", r.Key(), x)
			}
			wantOne(t, ts, x, ogBasis, lit(string(r.Basis), xsdString, ""), r.Key())
			wantOptional(t, ts, x, ogRationale, r.Rationale, lit(r.Rationale, xsdString, ""), r.Key())
			wantOptional(t, ts, x, skosNote, r.Note, lit(r.Note, xsdString, ""), r.Key())
			if r.ValidFrom != nil {
				wantOne(t, ts, x, og+"validFrom", lit(string(*r.ValidFrom), xsdDate, ""), r.Key())
			}
			if r.ValidTo != nil {
				wantOne(t, ts, x, og+"validTo", lit(string(*r.ValidTo), xsdDate, ""), r.Key())
			}
			checkSources(t, ts, x, r.Sources)
			if (r.Kind == domain.RelHasCentre || r.Kind == domain.RelHasUnit) && r.Basis == domain.Explicit && r.ValidFrom == nil && r.ValidTo == nil {
				if !ts.Has(from, orgHasUnit, iri(to)) || !ts.Has(to, orgUnitOf, iri(from)) {
					t.Errorf("%s: no org:hasUnit / org:unitOf", r.Key())
				}
			}
		}
		if n := len(ts.Subjects(rdfType, iri(rdfStatement))); n != len(g.Relationships) {
			t.Errorf("%d rdf:Statements for %d relationships", n, len(g.Relationships))
		}
	})

	t.Run("og terms are declared", func(t *testing.T) {
		for _, tr := range ts.all {
			if strings.HasPrefix(tr.P, og) && !ts.Has(tr.P, rdfType, iri(rdfProperty)) {
				t.Errorf("property %s is used but not declared", tr.P)
			}
			if tr.P == rdfType && strings.HasPrefix(tr.O.Value, og) && !ts.Has(tr.O.Value, rdfType, iri(rdfsClass)) {
				t.Errorf("class %s is used but not declared", tr.O.Value)
			}
		}
	})
	return ts
}

var wantOrgClass = map[domain.Kind]string{
	domain.KindAdministration: orgOrganization,
	domain.KindCentre:         orgUnit,
	domain.KindUnit:           orgUnit,
	domain.KindOrganisation:   orgOrganization,
	domain.KindReformChange:   orgChangeEvent,
}

// checkJSONLDShape checks the document as plain JSON: an inline @context
// with the org and prov prefixes, and each node of g as exactly one object
// of @graph.
func checkJSONLDShape(t *testing.T, body []byte, g *domain.Graph) {
	var doc struct {
		Context map[string]any   `json:"@context"`
		Graph   []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not a JSON object with an inline @context and a @graph: %v", err)
	}
	for prefix, want := range map[string]string{"org": nsOrg, "prov": nsProv, "og": og, "skos": nsSKOS, "dcterms": nsDCTerms} {
		if doc.Context[prefix] != want {
			t.Errorf("@context maps %s to %v, want %s", prefix, doc.Context[prefix], want)
		}
	}
	count := map[string]int{}
	for _, obj := range doc.Graph {
		id, _ := obj["@id"].(string)
		count[id]++
	}
	for _, n := range g.Nodes {
		if c := count[export.NodeIRI(n.ID)]; c != 1 {
			t.Errorf("%s is %d objects of @graph, want 1", n.ID, c)
		}
	}
	nodes := 0
	for id, c := range count {
		if strings.HasPrefix(id, export.IDBase) {
			nodes += c
		}
	}
	if nodes != len(g.Nodes) {
		t.Errorf("@graph holds %d node objects, the graph %d nodes", nodes, len(g.Nodes))
	}
}

// checkSources checks that s was derived from exactly srcs: each a
// section entity with the section's title in Danish, its slide, and the
// document it is part of.
func checkSources(t *testing.T, ts *Triples, s string, srcs []domain.Source) {
	t.Helper()
	got := ts.Objects(s, wasDerivedFrom)
	if len(got) != len(srcs) {
		t.Errorf("%s: %d prov:wasDerivedFrom, want %d", s, len(got), len(srcs))
	}
	for _, src := range srcs {
		found := false
		for _, e := range got {
			if sourceMatches(ts, e.Value, src) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: no prov:wasDerivedFrom for %s", s, describe(src))
		}
	}
}

func sourceMatches(ts *Triples, e string, src domain.Source) bool {
	if !ts.Has(e, dctermsTitle, lit(src.Section, langString, "da")) {
		return false
	}
	slides := ts.Objects(e, ogSlide)
	if src.Slide == nil && len(slides) != 0 ||
		src.Slide != nil && (len(slides) != 1 || slides[0] != lit(strconv.Itoa(*src.Slide), xsdInteger, "")) {
		return false
	}
	if notes := ts.Objects(e, skosNote); src.Note == "" && len(notes) != 0 || src.Note != "" && !ts.Has(e, skosNote, lit(src.Note, xsdString, "")) {
		return false
	}
	for _, d := range ts.Objects(e, dctermsPartOf) {
		if ts.Has(d.Value, dctermsTitle, lit(src.Document, xsdString, "")) {
			return true
		}
	}
	return false
}

func describe(s domain.Source) string {
	d := s.Document + ": " + s.Section
	if s.Slide != nil {
		d += fmt.Sprintf(", slide %d", *s.Slide)
	}
	return d
}

func wantOne(t *testing.T, ts *Triples, s, p string, o Term, what string) {
	t.Helper()
	if got := ts.Objects(s, p); len(got) != 1 || got[0] != o {
		t.Errorf("%s: %s = %v, want %v", what, p, got, o)
	}
}

func wantOptional(t *testing.T, ts *Triples, s, p, v string, o Term, what string) {
	t.Helper()
	if v == "" {
		if got := ts.Objects(s, p); len(got) != 0 {
			t.Errorf("%s: %s = %v, want none", what, p, got)
		}
		return
	}
	wantOne(t, ts, s, p, o, what)
}

// checkSeedJSONLD asserts what the issue names, on seed/.
func checkSeedJSONLD(t *testing.T, ts *Triples, g *domain.Graph) {
	t.Run("seed facts", func(t *testing.T) {
		bif, cbe := export.NodeIRI("administration:bif"), export.NodeIRI("centre:cbe")
		item := export.NodeIRI("reformchange:afskaffelse-af-ressourceforloeb")
		for _, want := range []struct {
			s, p string
			o    Term
		}{
			{cbe, rdfType, iri(orgUnit)},
			{bif, rdfType, iri(orgOrganization)},
			{bif, orgHasUnit, iri(cbe)},
			{cbe, orgUnitOf, iri(bif)},
			{export.NodeIRI("centre:centralforvaltningen"), orgHasUnit, iri(export.NodeIRI("unit:reformsekretariatet"))},
			{export.NodeIRI("organisation:sof"), rdfType, iri(orgOrganization)},
			{item, rdfType, iri(orgChangeEvent)},
			{item, skosPrefLabel, lit("Afskaffelse af ressourceforløb", langString, "da")},
			{cbe, skosPrefLabel, lit("CBE", langString, "da")},
		} {
			if !ts.Has(want.s, want.p, want.o) {
				t.Errorf("missing <%s> <%s> %v", want.s, want.p, want.o)
			}
		}
		// Every reform item is sourced to slide 15.
		items := 0
		for _, n := range g.Nodes {
			if n.Kind != domain.KindReformChange {
				continue
			}
			items++
			slide15 := false
			for _, e := range ts.Objects(export.NodeIRI(n.ID), wasDerivedFrom) {
				if ts.Has(e.Value, ogSlide, lit("15", xsdInteger, "")) &&
					ts.Has(e.Value, dctermsTitle, lit("Implementering af beskæftigelsesreform", langString, "da")) {
					slide15 = true
				}
			}
			if !slide15 {
				t.Errorf("%s is not derived from slide 15", n.ID)
			}
		}
		if items != 31 {
			t.Errorf("%d reform items, want 31", items)
		}
		// The inferred link keeps its rationale.
		var stmt string
		for _, x := range ts.Subjects(rdfSubject, iri(item)) {
			if ts.Has(x, rdfPredicate, iri(og+"AFFECTS")) && ts.Has(x, rdfObject, iri(export.NodeIRI("benefit:ressourceforloebsydelse"))) {
				stmt = x
			}
		}
		if stmt == "" {
			t.Fatal("no statement for the item AFFECTS ressourceforløbsydelse")
		}
		if !ts.Has(stmt, ogBasis, lit("INFERRED", xsdString, "")) {
			t.Errorf("basis = %v", ts.Objects(stmt, ogBasis))
		}
		if r := ts.Objects(stmt, ogRationale); len(r) != 1 || !strings.HasPrefix(r[0].Value, "Ressourceforløbsydelse is the benefit paid to citizens in a ressourceforløb") {
			t.Errorf("rationale = %v", r)
		}
	})
}
