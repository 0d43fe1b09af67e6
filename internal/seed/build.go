package seed

import (
	"fmt"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
)

// builder turns parsed items into domain values, reporting what is wrong.
type builder struct {
	p       *parsed
	ps      *problems
	sources map[string]domain.Source
}

func build(p *parsed, ps *problems) *domain.Graph {
	b := &builder{p: p, ps: ps, sources: map[string]domain.Source{}}
	for key, s := range p.sections {
		b.section(key, s)
	}
	// Sized for every item, as growing them was a tenth of the build at a
	// thousand times the seed.
	g := &domain.Graph{Nodes: make([]*domain.Node, 0, len(p.nodes)), Relationships: make([]*domain.Relationship, 0, len(p.links))}
	// where and seen hold each item's index in p, not a copy of it: the
	// copies were some 100 MB at a thousand times the seed.
	where := make(map[domain.ID]int, len(p.nodes))
	byID := make(map[domain.ID]*domain.Node, len(p.nodes))
	for i, item := range p.nodes {
		n := b.node(item, i)
		if n == nil {
			continue
		}
		if first, dup := where[n.ID]; dup {
			prev := p.nodes[first]
			ps.add(item.file, item.at.line, string(n.ID), "duplicate id (first at %s:%d)", prev.file, prev.at.line)
			continue
		}
		where[n.ID] = i
		byID[n.ID] = n
		g.Nodes = append(g.Nodes, n)
	}
	seen := make(map[string]int, len(p.links))
	for i, item := range p.links {
		r := b.link(item, i, byID)
		if r == nil {
			continue
		}
		key := r.Key()
		if first, dup := seen[key]; dup {
			prev := p.links[first]
			ps.add(item.file, item.at.line, linkName(item.raw), "duplicate link (first at %s:%d)", prev.file, prev.at.line)
			continue
		}
		seen[key] = i
		g.Relationships = append(g.Relationships, r)
	}
	b.derive(g, byID, where)
	return g
}

func (b *builder) section(key string, s located[rawSection]) {
	r := s.raw
	switch {
	case key == "":
		b.ps.add(s.file, s.at.line, "sections", "a section needs a key")
	case r.Section == "":
		b.ps.add(s.file, s.at.line, key, "a section needs its heading (section:)")
	case r.Document == "":
		b.ps.add(s.file, s.at.line, key, "no document: give one for the file or the section")
	case r.Slide != nil && *r.Slide <= 0:
		b.ps.add(s.file, s.at.of("slide"), key, "slide must be a positive number")
	default:
		b.sources[key] = domain.Source{Document: r.Document, Section: r.Section, Slide: r.Slide, Note: r.Note}
	}
}

// cite resolves source keys; an empty list or an unknown key is a problem.
func (b *builder) cite(file string, line int, who string, keys []string) []domain.Source {
	if len(keys) == 0 {
		b.ps.add(file, line, who, "missing source: every fact needs sources")
		return nil
	}
	out := make([]domain.Source, 0, len(keys))
	for _, k := range keys {
		s, ok := b.sources[k]
		if !ok {
			b.ps.add(file, line, who, "unknown source %q (not in any sections: list)", k)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (b *builder) date(file string, line int, who, field, s string) *domain.Date {
	if s == "" {
		return nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		b.ps.add(file, line, who, "%s: %q is not a date like 2026-02-01", field, s)
		return nil
	}
	return &d
}

func money(v *int64) *domain.Money {
	if v == nil {
		return nil
	}
	return &domain.Money{DKK: *v}
}

func (b *builder) node(item located[rawNode], order int) *domain.Node {
	r, file, yn := item.raw, item.file, item.at
	kind, _, err := domain.ParseID(r.ID)
	if r.ID == "" {
		b.ps.add(file, yn.line, "id", "a node needs an id")
		return nil
	}
	if err != nil {
		b.ps.add(file, yn.of("id"), r.ID, "%s", strings.TrimPrefix(err.Error(), domain.ErrInvalidInput.Error()+": "))
		return nil
	}
	who := r.ID
	if strings.TrimSpace(r.Name) == "" {
		b.ps.add(file, yn.line, who, "a node needs a name")
	}
	n := &domain.Node{
		ID: domain.ID(r.ID), Kind: kind, Name: strings.TrimSpace(r.Name),
		Description: strings.TrimSpace(r.Description), Order: order,
		Sources: b.cite(file, yn.of("sources"), who, r.Sources),
		Code:    r.Code, FullName: r.FullName, Aliases: r.Aliases, Notes: r.Notes,
		Audience:    domain.Audience(r.Audience),
		Legislation: r.Legislation, LegalStatus: r.LegalStatus,
		UnlinkedReason: strings.TrimSpace(r.UnlinkedReason), UnlinkedReasonDa: strings.TrimSpace(r.UnlinkedReasonDa),
		Year: r.Year, Label: r.Label, Amount: money(r.AmountDKK),
		SharePercent: r.SharePercent, UnderBudgetCeiling: r.UnderBudgetCeiling,
		Service: money(r.ServiceDKK), Indsats: money(r.IndsatsDKK), Total: money(r.TotalDKK),
	}
	n.ValidFrom = b.date(file, yn.of("validFrom"), who, "validFrom", r.ValidFrom)
	n.ValidTo = b.date(file, yn.of("validTo"), who, "validTo", r.ValidTo)
	n.EffectiveDate = b.date(file, yn.of("effectiveDate"), who, "effectiveDate", r.EffectiveDate)
	for i, t := range r.Tasks {
		line := yn.item("tasks", i)
		if strings.TrimSpace(t.Text) == "" {
			b.ps.add(file, line, who, "a task needs text")
			continue
		}
		n.Tasks = append(n.Tasks, domain.Task{
			Text:      strings.TrimSpace(t.Text),
			ValidFrom: b.date(file, line, who, "validFrom", t.ValidFrom),
			ValidTo:   b.date(file, line, who, "validTo", t.ValidTo),
		})
	}
	for i, f := range r.Figures {
		line := yn.item("figures", i)
		n.Figures = append(n.Figures, b.figure(file, line, who, f))
	}
	b.checkKind(file, yn.line, n)
	return n
}

func (b *builder) figure(file string, line int, who string, f rawFigure) domain.Figure {
	m := domain.Measure(cmpOr(f.Measure, string(domain.MeasureOther)))
	switch m {
	case domain.MeasureEmployees, domain.MeasureBudget, domain.MeasureFullTimePersons, domain.MeasureOther:
	default:
		b.ps.add(file, line, who, "figure %q: unknown measure %q", f.Name, f.Measure)
	}
	if f.Name == "" || f.Unit == "" || f.Value == nil {
		b.ps.add(file, line, who, "a figure needs name, value and unit")
	}
	var src domain.Source
	if ss := b.cite(file, line, fmt.Sprintf("%s figure %q", who, f.Name), nonEmpty(f.Source)); len(ss) == 1 {
		src = ss[0]
	}
	fig := domain.Figure{Name: f.Name, Measure: m, Unit: f.Unit, Year: f.Year, Note: f.Note, Source: src}
	if f.Value != nil {
		fig.Value = *f.Value
	}
	return fig
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// checkKind holds each kind to the fields its GraphQL type promises.
func (b *builder) checkKind(file string, line int, n *domain.Node) {
	need := func(ok bool, what string) {
		if !ok {
			b.ps.add(file, line, string(n.ID), "a %s needs %s", n.Kind, what)
		}
	}
	switch n.Kind {
	case domain.KindAdministration, domain.KindCommittee, domain.KindCentre, domain.KindOrganisation:
		need(n.Code != "", "a code")
	case domain.KindIntervention:
		need(n.Audience.Valid(), "an audience (CITIZENS or BUSINESSES)")
	case domain.KindReformPhase:
		need(n.EffectiveDate != nil, "an effectiveDate")
		need(n.LegalStatus != "", "a legalStatus")
	case domain.KindBudget:
		need(n.Year != nil && n.Amount != nil, "a year and an amountDKK")
	case domain.KindBudgetFrame:
		need(n.Amount != nil && n.SharePercent != nil && n.UnderBudgetCeiling != nil,
			"amountDKK, sharePercent and underBudgetCeiling")
	case domain.KindSavingsYear:
		need(n.Label != "" && n.Service != nil && n.Indsats != nil && n.Total != nil,
			"a label, serviceDKK, indsatsDKK and totalDKK")
	}
	if n.Audience != "" && n.Kind != domain.KindIntervention {
		b.ps.add(file, line, string(n.ID), "only an Intervention has an audience")
	}
}

// linkName names a link in problems; asked for every link of the seed, so
// it is joined rather than formatted.
func linkName(r rawLink) string { return r.From + " -" + r.Rel + "-> " + r.To }

func (b *builder) link(item located[rawLink], seq int, byID map[domain.ID]*domain.Node) *domain.Relationship {
	r, file, yn := item.raw, item.file, item.at
	who := linkName(r)
	rel := &domain.Relationship{
		Kind: domain.RelKind(r.Rel), From: domain.ID(r.From), To: domain.ID(r.To),
		Basis: domain.Basis(cmpOr(r.Basis, string(domain.Explicit))), Rationale: strings.TrimSpace(r.Rationale),
		RationaleDa: strings.TrimSpace(r.RationaleDa),
		Note:        r.Note, Seq: seq,
		Sources: b.cite(file, yn.of("sources"), who, r.Sources),
	}
	rel.ValidFrom = b.date(file, yn.of("validFrom"), who, "validFrom", r.ValidFrom)
	rel.ValidTo = b.date(file, yn.of("validTo"), who, "validTo", r.ValidTo)
	ok := true
	spec, known := rel.Kind.Spec()
	if !known {
		b.ps.add(file, yn.of("rel"), who, "unknown relationship kind %q", r.Rel)
		ok = false
	}
	from, to := byID[rel.From], byID[rel.To]
	for _, end := range []struct {
		key  string
		id   string
		node *domain.Node
	}{{"from", r.From, from}, {"to", r.To, to}} {
		if end.node == nil {
			b.ps.add(file, yn.of(end.key), who, "unknown reference %s: %q is no node", end.key, end.id)
			ok = false
		}
	}
	if ok && !spec.Allows(from.Kind, to.Kind) {
		b.ps.add(file, yn.of("rel"), who, "%s cannot join a %s to a %s", rel.Kind, from.Kind, to.Kind)
	}
	switch {
	case !rel.Basis.Valid():
		b.ps.add(file, yn.of("basis"), who, "basis must be EXPLICIT or INFERRED, not %q", r.Basis)
	case rel.Basis == domain.Inferred && rel.Rationale == "":
		b.ps.add(file, yn.of("basis"), who, "an INFERRED link needs a rationale")
	}
	if !ok {
		return nil
	}
	return rel
}

// derive fills in what the seed does not write twice: a reform item's
// effective date is its phase's, and a phase and its items hold from that date.
func (b *builder) derive(g *domain.Graph, byID map[domain.ID]*domain.Node, where map[domain.ID]int) {
	for _, r := range g.Relationships {
		r.Version = 1 // as seeded
	}
	for _, n := range g.Nodes {
		n.Version = 1
		if n.Kind == domain.KindReformPhase && n.ValidFrom == nil {
			n.ValidFrom = n.EffectiveDate
		}
	}
	phaseOf := map[domain.ID]domain.ID{}
	for _, r := range g.Relationships {
		if r.Kind != domain.RelIncludes {
			continue
		}
		change, phase := byID[r.To], byID[r.From]
		if prev, twice := phaseOf[change.ID]; twice {
			item := b.p.nodes[where[change.ID]]
			b.ps.add(item.file, item.at.line, string(change.ID), "included by two phases, %s and %s", prev, phase.ID)
			continue
		}
		phaseOf[change.ID] = phase.ID
		if change.EffectiveDate != nil {
			item := b.p.nodes[where[change.ID]]
			b.ps.add(item.file, item.at.of("effectiveDate"), string(change.ID),
				"a reform item takes its phase's date; do not write effectiveDate")
			continue
		}
		change.EffectiveDate = phase.EffectiveDate
		if change.ValidFrom == nil {
			change.ValidFrom = phase.EffectiveDate
		}
	}
}
