// Package storetest is the contract every store must pass: the one truth of
// what a store answers. Run it from a store's tests with a function that
// builds a store holding a given graph.
package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/store"
)

func ptr[T any](v T) *T { return &v }

var (
	srcCBA    = domain.Source{Document: "doc.txt", Section: "CBA"}
	srcYS     = domain.Source{Document: "doc.txt", Section: "Ydelsesservice"}
	srcReform = domain.Source{Document: "doc.txt", Section: "Implementering af beskæftigelsesreform", Slide: ptr(15)}
	srcOut    = domain.Source{Document: "Københavns Kommune, kk.dk", Section: "Forvaltninger", Note: "Outside the source document."}
)

// Fixture is a small graph shaped like BIF's, with every node field and
// relationship field set somewhere, so a store that drops one fails.
func Fixture() *domain.Graph {
	nodes := []*domain.Node{
		{ID: "administration:bif", Kind: domain.KindAdministration, Name: "Beskæftigelses- og integrationsforvaltningen", Code: "BIF",
			Sources: []domain.Source{srcCBA},
			Figures: []domain.Figure{{Name: "Ansatte", Measure: domain.MeasureEmployees, Value: 2000, Unit: "persons", Year: ptr(2024), Source: srcCBA}}},
		{ID: "centre:cba", Kind: domain.KindCentre, Name: "CBA", Code: "CBA", Description: "CBA varetager indsatsen for borgere langt fra arbejdsmarkedet og får flere i fleksjob.",
			Sources: []domain.Source{srcCBA},
			Figures: []domain.Figure{
				{Name: "Medarbejdere", Measure: domain.MeasureEmployees, Value: 480, Unit: "persons", Year: ptr(2025), Source: srcCBA},
				{Name: "Mio. kr. i budget", Measure: domain.MeasureBudget, Value: 423_000_000, Unit: "DKK", Year: ptr(2025), Source: srcCBA, Note: "2025-tal"},
			}},
		{ID: "centre:ydelsesservice", Kind: domain.KindCentre, Name: "Ydelsesservice", Code: "Ydelsesservice", Sources: []domain.Source{srcYS}},
		{ID: "centre:cdoe", Kind: domain.KindCentre, Name: "CDØ", Code: "CDØ", FullName: "Center for drift og økonomi", Sources: []domain.Source{srcCBA},
			Tasks: []domain.Task{{Text: "Budget og økonomistyring"}, {Text: "Beredskab", ValidFrom: ptr(domain.Date("2026-01-01")), ValidTo: ptr(domain.Date("2027-01-01"))}}},
		{ID: "targetgroup:ressourceforloeb", Kind: domain.KindTargetGroup, Name: "Ressourceforløb", Sources: []domain.Source{srcCBA},
			ValidTo: ptr(domain.Date("2026-02-01"))},
		{ID: "targetgroup:unge", Kind: domain.KindTargetGroup, Name: "Kontanthjælpsmodtagere 18-29 år", Sources: []domain.Source{srcCBA},
			Figures: []domain.Figure{{Name: "Fuldtidspersoner", Measure: domain.MeasureFullTimePersons, Value: 1831, Unit: "persons", Year: ptr(2025), Source: srcCBA}}},
		{ID: "intervention:mentorforloeb", Kind: domain.KindIntervention, Name: "Mentorforløb", Audience: domain.Citizens, Sources: []domain.Source{srcCBA},
			ValidFrom: ptr(domain.Date("2026-01-01")), Aliases: []string{"mentorstøtte"}},
		{ID: "benefit:ressourceforloebsydelse", Kind: domain.KindBenefit, Name: "Ressourceforløbsydelse", Sources: []domain.Source{srcYS}, Notes: []string{"udbetales af Ydelsesservice"}},
		{ID: "organisation:sof", Kind: domain.KindOrganisation, Name: "SOF", Code: "SOF", FullName: "Socialforvaltningen", Sources: []domain.Source{srcCBA, srcOut}},
		{ID: "organisation:kui", Kind: domain.KindOrganisation, Name: "KUI", Code: "KUI", FullName: "Københavns Ungeindsats", Sources: []domain.Source{srcCBA}},
		{ID: "reform:beskaeftigelsesreform", Kind: domain.KindReform, Name: "Beskæftigelsesreform", Sources: []domain.Source{srcReform}, Notes: []string{"Besparelser udmøntes i løbet af 2026"}},
		{ID: "reformphase:2026-02-01", Kind: domain.KindReformPhase, Name: "1. februar 2026", Sources: []domain.Source{srcReform},
			EffectiveDate: ptr(domain.Date("2026-02-01")), Legislation: "Justeringer i nuværende lov", LegalStatus: "Lovforslag fremsat i november 2025"},
		{ID: "reformchange:afskaffelse-af-ressourceforloeb", Kind: domain.KindReformChange, Name: "Afskaffelse af ressourceforløb", Sources: []domain.Source{srcReform},
			EffectiveDate: ptr(domain.Date("2026-02-01"))},
		{ID: "reformchange:styrket-ungeloeft", Kind: domain.KindReformChange, Name: "Styrket ungeløft", Sources: []domain.Source{srcReform},
			EffectiveDate: ptr(domain.Date("2026-02-01"))},
		{ID: "budget:2026", Kind: domain.KindBudget, Name: "BIU’s budget 2026", Year: ptr(2026), Amount: &domain.Money{DKK: 11_000_000_000}, Sources: []domain.Source{srcCBA}},
		{ID: "budgetframe:anlaeg", Kind: domain.KindBudgetFrame, Name: "Anlæg", Amount: &domain.Money{DKK: 8_000_000}, SharePercent: ptr(0.1),
			UnderBudgetCeiling: ptr(true), Description: "Renovering o.l.", Sources: []domain.Source{srcCBA}},
		{ID: "savingsyear:varigt", Kind: domain.KindSavingsYear, Name: "Varigt", Label: "Varigt", Service: &domain.Money{DKK: 121_000_000},
			Indsats: &domain.Money{DKK: 138_000_000}, Total: &domain.Money{DKK: 259_000_000}, Sources: []domain.Source{srcReform}},
	}
	for i, n := range nodes {
		n.Order = i
	}
	rel := func(seq int, kind domain.RelKind, from, to domain.ID, src domain.Source) *domain.Relationship {
		return &domain.Relationship{Kind: kind, From: from, To: to, Basis: domain.Explicit, Sources: []domain.Source{src}, Seq: seq}
	}
	inferred := func(r *domain.Relationship, why string) *domain.Relationship {
		r.Basis, r.Rationale = domain.Inferred, why
		return r
	}
	rels := []*domain.Relationship{
		rel(0, domain.RelHasCentre, "administration:bif", "centre:cba", srcCBA),
		rel(1, domain.RelHasCentre, "administration:bif", "centre:ydelsesservice", srcCBA),
		rel(2, domain.RelHasCentre, "administration:bif", "centre:cdoe", srcCBA),
		{Kind: domain.RelServes, From: "centre:cba", To: "targetgroup:ressourceforloeb", Basis: domain.Explicit,
			Sources: []domain.Source{srcCBA}, ValidTo: ptr(domain.Date("2026-02-01")), Seq: 3},
		rel(4, domain.RelDelivers, "centre:cba", "intervention:mentorforloeb", srcCBA),
		rel(5, domain.RelPays, "centre:ydelsesservice", "benefit:ressourceforloebsydelse", srcYS),
		inferred(rel(6, domain.RelPaidTo, "benefit:ressourceforloebsydelse", "targetgroup:ressourceforloeb", srcYS),
			"Ressourceforløbsydelse is the benefit paid during a ressourceforløb."),
		{Kind: domain.RelWorksWith, From: "organisation:sof", To: "centre:cba", Basis: domain.Explicit, Note: "Tværgående funktioner",
			Sources: []domain.Source{srcCBA}, Seq: 7},
		rel(8, domain.RelCooperatesOn, "organisation:sof", "organisation:kui", srcCBA),
		rel(9, domain.RelHasPhase, "reform:beskaeftigelsesreform", "reformphase:2026-02-01", srcReform),
		rel(10, domain.RelIncludes, "reformphase:2026-02-01", "reformchange:afskaffelse-af-ressourceforloeb", srcReform),
		rel(11, domain.RelIncludes, "reformphase:2026-02-01", "reformchange:styrket-ungeloeft", srcReform),
		rel(12, domain.RelPhasesOut, "reformchange:afskaffelse-af-ressourceforloeb", "targetgroup:ressourceforloeb", srcReform),
		inferred(rel(13, domain.RelAffects, "reformchange:styrket-ungeloeft", "organisation:kui", srcReform),
			"KUI is the young people's single entry the reform strengthens."),
		rel(14, domain.RelHasSavings, "reform:beskaeftigelsesreform", "savingsyear:varigt", srcReform),
		rel(15, domain.RelHasBudget, "administration:bif", "budget:2026", srcCBA),
		rel(16, domain.RelHasFrame, "budget:2026", "budgetframe:anlaeg", srcCBA),
		// CDØ shares an intervention and a partner with CBA, for dependencies.
		rel(17, domain.RelDelivers, "centre:cdoe", "intervention:mentorforloeb", srcCBA),
		rel(18, domain.RelWorksWith, "organisation:sof", "centre:cdoe", srcCBA),
	}
	return &domain.Graph{Nodes: nodes, Relationships: rels}
}

// NewTargetGroup is a target group the fixture does not hold, for the tests
// that create one.
func NewTargetGroup() *domain.Node {
	return &domain.Node{ID: "targetgroup:nye-unge", Kind: domain.KindTargetGroup, Name: "Nye unge", Sources: []domain.Source{srcCBA}}
}

// CreateTargetGroup writes to st, as actor, a new target group named name,
// of id targetgroup:name (lower-cased, a space a hyphen), and returns the
// write's audit entry.
func CreateTargetGroup(t testing.TB, st store.Writer, actor, name string) *domain.AuditEntry {
	t.Helper()
	n := NewTargetGroup()
	n.ID, n.Name = domain.ID("targetgroup:"+strings.ToLower(strings.ReplaceAll(name, " ", "-"))), name
	e, err := st.Apply(context.Background(), domain.Write{Op: domain.CreateNode, Actor: actor, Node: n})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
