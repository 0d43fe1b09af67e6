package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
)

// JSONLDContentType is the media type of WriteJSONLD's output.
const JSONLDContentType = "application/ld+json; charset=utf-8"

// ldContext is the JSON-LD @context, written inline so that a reader needs
// nothing from the network to expand the document.
var ldContext = map[string]string{
	"dcterms": "http://purl.org/dc/terms/",
	"og":      Vocab,
	"org":     "http://www.w3.org/ns/org#",
	"prov":    "http://www.w3.org/ns/prov#",
	"rdf":     "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
	"rdfs":    "http://www.w3.org/2000/01/rdf-schema#",
	"skos":    "http://www.w3.org/2004/02/skos/core#",
	"xsd":     "http://www.w3.org/2001/XMLSchema#",
}

// orgClass is the W3C Organization Ontology class of the kinds it has one
// for. Every node is also of class og:<Kind>.
var orgClass = map[domain.Kind]string{
	domain.KindAdministration: "org:Organization", // a forvaltning is part of the municipality, not a legal person: not org:FormalOrganization
	domain.KindCommittee:      "org:Organization",
	domain.KindCentre:         "org:OrganizationalUnit",
	domain.KindUnit:           "org:OrganizationalUnit",
	domain.KindOrganisation:   "org:Organization",
	domain.KindReformChange:   "org:ChangeEvent",
}

// orgMirrored reports whether r is also written as org:hasUnit and
// org:unitOf. Only structure the document states, undated, is: an inferred
// or dated link would lose its basis or dates in a plain ORG triple, so it
// keeps only its og: triple and its statement.
func orgMirrored(r *domain.Relationship) bool {
	return (r.Kind == domain.RelHasCentre || r.Kind == domain.RelHasUnit) &&
		r.Basis == domain.Explicit && r.ValidFrom == nil && r.ValidTo == nil
}

// WriteJSONLD writes g as one JSON-LD document: an inline @context and a
// @graph holding, in this order, every node (in seed order), every
// relationship as a reified rdf:Statement (in seed order), the source
// documents and sections, and the og: vocabulary. Each relationship is
// also a plain triple, subject og:KIND object, on its from-node. Output is
// written through a buffered writer and is the same for the same graph.
func WriteJSONLD(w io.Writer, g *domain.Graph) error {
	if err := checkGraph(g); err != nil {
		return err
	}
	srcs := newSourceIRIs(g)
	out := make(map[domain.ID][]*domain.Relationship, len(g.Nodes))
	unitOf := make(map[domain.ID][]*domain.Relationship)
	for _, r := range g.Relationships {
		out[r.From] = append(out[r.From], r)
		if orgMirrored(r) {
			unitOf[r.To] = append(unitOf[r.To], r)
		}
	}

	lw := newLDWriter(w)
	lw.raw("{\n  \"@context\": ")
	lw.value("  ", ldContext)
	lw.raw(",\n  \"@graph\": [")
	for _, n := range g.Nodes {
		lw.object(nodeObject(n, out[n.ID], unitOf[n.ID], srcs))
	}
	for _, r := range g.Relationships {
		lw.object(statementObject(r, srcs))
	}
	for _, d := range srcs.docs {
		lw.object(map[string]any{
			"@id":           srcs.docIRI[d],
			"@type":         []string{"prov:Entity", "og:Document"},
			"dcterms:title": d,
		})
	}
	for _, k := range srcs.sections {
		obj := map[string]any{
			"@id":              srcs.secIRI[k],
			"@type":            []string{"prov:Entity", "og:Section"},
			"dcterms:title":    da(k.section),
			"dcterms:isPartOf": ref(srcs.docIRI[k.document]),
			"og:document":      k.document,
		}
		if k.hasSlide {
			obj["og:slide"] = k.slide
		}
		if k.note != "" {
			obj["skos:note"] = k.note
		}
		lw.object(obj)
	}
	for _, v := range vocabulary() {
		lw.object(v)
	}
	lw.raw("\n  ]\n}\n")
	return lw.flush()
}

func nodeObject(n *domain.Node, out, unitOf []*domain.Relationship, srcs *sourceIRIs) map[string]any {
	types := []string{"og:" + string(n.Kind)}
	if c, ok := orgClass[n.Kind]; ok {
		types = append(types, c)
	}
	obj := map[string]any{
		"@id":                NodeIRI(n.ID),
		"@type":              types,
		"dcterms:identifier": string(n.ID),
		"skos:prefLabel":     da(n.Name),
		"og:order":           n.Order,
	}
	setNonEmpty(obj, "dcterms:description", n.Description, da)
	setNonEmpty(obj, "og:code", n.Code, plain)
	setNonEmpty(obj, "og:fullName", n.FullName, da)
	if len(n.Aliases) > 0 {
		obj["skos:altLabel"] = mapSlice(n.Aliases, da)
	}
	if len(n.Notes) > 0 {
		obj["skos:note"] = n.Notes
	}
	if len(n.Tasks) > 0 {
		obj["og:task"] = mapSlice(n.Tasks, func(t domain.Task) any {
			task := map[string]any{"@type": "og:Task", "og:text": da(t.Text)}
			setDate(task, "og:validFrom", t.ValidFrom)
			setDate(task, "og:validTo", t.ValidTo)
			return task
		})
	}
	if len(n.Figures) > 0 {
		obj["og:figure"] = mapSlice(n.Figures, func(f domain.Figure) any {
			fig := map[string]any{
				"@type":               "og:Figure",
				"og:name":             da(f.Name),
				"og:measure":          string(f.Measure),
				"og:value":            decimal(f.Value),
				"og:unit":             f.Unit,
				"prov:wasDerivedFrom": []any{ref(srcs.of(f.Source))},
			}
			if f.Year != nil {
				fig["og:year"] = *f.Year
			}
			setNonEmpty(fig, "skos:note", f.Note, plain)
			return fig
		})
	}
	setNonEmpty(obj, "og:audience", string(n.Audience), plain)
	setDate(obj, "og:validFrom", n.ValidFrom)
	setDate(obj, "og:validTo", n.ValidTo)
	setDate(obj, "og:effectiveDate", n.EffectiveDate)
	setNonEmpty(obj, "og:legislation", n.Legislation, da)
	setNonEmpty(obj, "og:legalStatus", n.LegalStatus, da)
	if n.Year != nil {
		obj["og:year"] = *n.Year
	}
	setNonEmpty(obj, "og:label", n.Label, da)
	setMoney(obj, "og:amountDKK", n.Amount)
	if n.SharePercent != nil {
		obj["og:sharePercent"] = decimal(*n.SharePercent)
	}
	if n.UnderBudgetCeiling != nil {
		obj["og:underBudgetCeiling"] = *n.UnderBudgetCeiling
	}
	setMoney(obj, "og:serviceDKK", n.Service)
	setMoney(obj, "og:indsatsDKK", n.Indsats)
	setMoney(obj, "og:totalDKK", n.Total)
	obj["prov:wasDerivedFrom"] = mapSlice(n.Sources, func(s domain.Source) any { return ref(srcs.of(s)) })

	for _, r := range out {
		key := "og:" + string(r.Kind)
		obj[key] = append(asSlice(obj[key]), ref(NodeIRI(r.To)))
		if orgMirrored(r) {
			obj["org:hasUnit"] = append(asSlice(obj["org:hasUnit"]), ref(NodeIRI(r.To)))
		}
	}
	if len(unitOf) > 0 {
		obj["org:unitOf"] = mapSlice(unitOf, func(r *domain.Relationship) any { return ref(NodeIRI(r.From)) })
	}
	return obj
}

// statementObject reifies r, so its basis, rationale, note, dates and
// sources are kept: the triple itself is on the from-node.
func statementObject(r *domain.Relationship, srcs *sourceIRIs) map[string]any {
	obj := map[string]any{
		"@id":                 RelIRI(r),
		"@type":               "rdf:Statement",
		"rdf:subject":         ref(NodeIRI(r.From)),
		"rdf:predicate":       ref("og:" + string(r.Kind)),
		"rdf:object":          ref(NodeIRI(r.To)),
		"og:basis":            string(r.Basis),
		"og:order":            r.Seq,
		"prov:wasDerivedFrom": mapSlice(r.Sources, func(s domain.Source) any { return ref(srcs.of(s)) }),
	}
	setNonEmpty(obj, "og:rationale", r.Rationale, plain)
	setNonEmpty(obj, "skos:note", r.Note, plain)
	setDate(obj, "og:validFrom", r.ValidFrom)
	setDate(obj, "og:validTo", r.ValidTo)
	return obj
}

// vocabulary declares the og: classes and properties the document uses.
func vocabulary() []map[string]any {
	var out []map[string]any
	class := func(name, sub, comment string) {
		c := map[string]any{"@id": "og:" + name, "@type": "rdfs:Class", "rdfs:label": en(name)}
		if sub != "" {
			c["rdfs:subClassOf"] = ref(sub)
		}
		setNonEmpty(c, "rdfs:comment", comment, en)
		out = append(out, c)
	}
	for _, k := range domain.Kinds {
		class(string(k), orgClass[k], "")
	}
	class("Task", "", "One item of a node's task list, dated where the document dates it.")
	class("Figure", "", "A number the document states, with its unit and year.")
	class("Document", "prov:Entity", "A document facts are taken from.")
	class("Section", "prov:Entity", "A section (heading, and slide where given) of a source document.")
	for _, s := range domain.RelSpecs {
		out = append(out, map[string]any{
			"@id":          "og:" + string(s.Kind),
			"@type":        "rdf:Property",
			"rdfs:label":   en(s.Meaning),
			"rdfs:comment": en("From " + kindList(s.From) + " to " + kindList(s.To) + ". Its rdf:Statement carries og:basis and, if inferred, og:rationale."),
		})
	}
	for _, p := range dataProperties {
		out = append(out, map[string]any{"@id": "og:" + p[0], "@type": "rdf:Property", "rdfs:comment": en(p[1])})
	}
	return out
}

var dataProperties = [][2]string{
	{"code", "The short code the document uses, e.g. CBE or SOF."},
	{"fullName", "A spelled-out name the document, or a named outside source, gives."},
	{"order", "Position in the seed, which follows the document: centres come in org-chart order."},
	{"task", "An og:Task of the node."},
	{"text", "The text of a task."},
	{"figure", "An og:Figure of the node."},
	{"name", "The name of a figure, as in the document."},
	{"measure", "What a figure measures: employees, budget, fullTimePersons or other."},
	{"value", "The exact value of a figure, in its unit."},
	{"unit", "The unit of a figure: persons, DKK, FTE, ..."},
	{"year", "The year a figure, budget or savings year refers to."},
	{"audience", "Whom an intervention is for: CITIZENS or BUSINESSES."},
	{"validFrom", "The first day a fact holds."},
	{"validTo", "The first day a fact no longer holds."},
	{"effectiveDate", "The day a reform phase, and its items, take effect."},
	{"legislation", "The legislation a reform phase comes with."},
	{"legalStatus", "Where that legislation stands."},
	{"label", "A savings year's label: 2026 ... Varigt."},
	{"amountDKK", "An amount in whole Danish kroner."},
	{"sharePercent", "A budget frame's share of the budget, in percent."},
	{"underBudgetCeiling", "Whether a budget frame is under the budget ceiling (servicerammen)."},
	{"serviceDKK", "A savings year's savings on service, in whole Danish kroner."},
	{"indsatsDKK", "A savings year's savings on the employment effort, in whole Danish kroner."},
	{"totalDKK", "A savings year's total savings, in whole Danish kroner."},
	{"basis", "EXPLICIT when the document states the relationship, INFERRED when it is a domain inference."},
	{"rationale", "Why an inferred relationship holds."},
	{"document", "The name of the document a section belongs to."},
	{"slide", "The slide number, where the document gives one."},
}

func kindList(ks []domain.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = "og:" + string(k)
	}
	return strings.Join(s, " or ")
}

// ldWriter writes a JSON-LD document piece by piece through a buffered
// writer, one @graph object at a time, keeping the first error.
type ldWriter struct {
	bw   *bufio.Writer
	buf  bytes.Buffer
	enc  *json.Encoder
	objs int
	err  error
}

func newLDWriter(w io.Writer) *ldWriter {
	lw := &ldWriter{bw: bufio.NewWriterSize(w, 64<<10)}
	lw.enc = json.NewEncoder(&lw.buf)
	lw.enc.SetEscapeHTML(false)
	return lw
}

func (lw *ldWriter) raw(s string) {
	if lw.err == nil {
		_, lw.err = lw.bw.WriteString(s)
	}
}

// value writes v indented as if it began at prefix.
func (lw *ldWriter) value(prefix string, v any) {
	if lw.err != nil {
		return
	}
	lw.buf.Reset()
	lw.enc.SetIndent(prefix, "  ")
	if err := lw.enc.Encode(v); err != nil {
		lw.err = fmt.Errorf("export: json-ld: %w", err)
		return
	}
	_, lw.err = lw.bw.Write(bytes.TrimSuffix(lw.buf.Bytes(), []byte("\n")))
}

func (lw *ldWriter) object(v any) {
	if lw.objs > 0 {
		lw.raw(",")
	}
	lw.raw("\n    ")
	lw.value("    ", v)
	lw.objs++
}

func (lw *ldWriter) flush() error {
	if lw.err != nil {
		return lw.err
	}
	return lw.bw.Flush()
}

func ref(iri string) map[string]any { return map[string]any{"@id": iri} }
func da(s string) any               { return map[string]any{"@value": s, "@language": "da"} }
func en(s string) any               { return map[string]any{"@value": s, "@language": "en"} }
func plain(s string) any            { return s }

// decimal writes v as an xsd:decimal: exact, and never in exponent form.
func decimal(v float64) any {
	return map[string]any{"@value": strconv.FormatFloat(v, 'f', -1, 64), "@type": "xsd:decimal"}
}

func setNonEmpty(obj map[string]any, key, v string, as func(string) any) {
	if v != "" {
		obj[key] = as(v)
	}
}

func setDate(obj map[string]any, key string, d *domain.Date) {
	if d != nil {
		obj[key] = map[string]any{"@value": string(*d), "@type": "xsd:date"}
	}
}

// setMoney writes whole kroner as a JSON integer, an xsd:integer.
func setMoney(obj map[string]any, key string, m *domain.Money) {
	if m != nil {
		obj[key] = m.DKK
	}
}

func mapSlice[T any](in []T, f func(T) any) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
