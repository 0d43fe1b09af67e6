package model

import (
	"math"

	"github.com/bif-kk/orggraph/internal/domain"
)

// One type per node kind. Fields that are not plain reads of the node are
// methods here (derived) or resolvers in package graph (relations).

type Administration struct{ Base }

// KeyFigures are BIF's own figures: "Beskæftigelsesindsatsen i tal (2024)".
func (a Administration) KeyFigures() []*Figure { return a.Figures() }

type Committee struct{ Base }

// Centre is one of BIF's seven units. AsOf is the day it was fetched as of
// (centres(asOf:), centre(asOf:)); its list fields read on that day unless
// they are given their own.
type Centre struct {
	Base
	AsOf *domain.Date
}

// ReadOn is the day a list field of the centre reads on: its own asOf if
// given, else the centre's; nil for everything, whatever its dates.
func (c Centre) ReadOn(asOf *domain.Date) *domain.Date {
	if asOf != nil {
		return asOf
	}
	return c.AsOf
}

// ViewID is the centre's id field: seen as of a day, the id of that view
// ("centre:cba@2026-03-01"), as its list fields read on that day.
func (c Centre) ViewID() domain.ID { return View{Node: c.Node.ID, Day: c.AsOf}.ID() }

// Tasks lists the centre's own tasks that hold on the day it reads on.
func (c Centre) Tasks(asOf *domain.Date) []string { return c.tasksOn(c.ReadOn(asOf)) }

// DatedTasks lists the same tasks with their dates.
func (c Centre) DatedTasks(asOf *domain.Date) []*Task { return c.datedTasksOn(c.ReadOn(asOf)) }

// Description is required of a centre: its responsibility text.
func (c Centre) Description() string { return c.Node.Description }

// Employees is the centre's Medarbejdere figure.
func (c Centre) Employees() *int { return c.figureInt(domain.MeasureEmployees) }

// Budget is the centre's budget figure as money.
func (c Centre) Budget() *Money {
	f, ok := c.Node.Figure(domain.MeasureBudget)
	if !ok {
		return nil
	}
	return NewMoney(domain.Money{DKK: int64(math.Round(f.Value))})
}

type Unit struct{ Base }

type TargetGroup struct{ Base }

type Intervention struct{ Base }

type Benefit struct{ Base }

type Organisation struct{ Base }

type Reform struct{ Base }

type ReformPhase struct{ Base }

// EffectiveDate is required of a phase; the seed loader refuses one without.
func (p ReformPhase) EffectiveDate() domain.Date {
	if p.Node.EffectiveDate == nil {
		return ""
	}
	return *p.Node.EffectiveDate
}

type ReformChange struct{ Base }

type Transfer struct{ Base }

type Budget struct{ Base }

// Year is required of a budget.
func (b Budget) Year() int {
	if b.Node.Year == nil {
		return 0
	}
	return *b.Node.Year
}

// Total is the budget's whole amount.
func (b Budget) Total() *Money { return newMoneyOrZero(b.Node.Amount) }

type BudgetFrame struct{ Base }

// Description is required of a frame.
func (f BudgetFrame) Description() string { return f.Node.Description }

// Amount is the frame's share of the budget in kroner.
func (f BudgetFrame) Amount() *Money { return newMoneyOrZero(f.Node.Amount) }

// SharePercent is the frame's share of the total, e.g. 12.0.
func (f BudgetFrame) SharePercent() float64 {
	if f.Node.SharePercent == nil {
		return 0
	}
	return *f.Node.SharePercent
}

// UnderBudgetCeiling says whether the frame is under the budgetloft.
func (f BudgetFrame) UnderBudgetCeiling() bool {
	return f.Node.UnderBudgetCeiling != nil && *f.Node.UnderBudgetCeiling
}

type SavingsYear struct{ Base }

// Service is the year's savings on the Service frame.
func (s SavingsYear) Service() *Money { return newMoneyOrZero(s.Node.Service) }

// Indsats is the year's savings on the Indsats frame.
func (s SavingsYear) Indsats() *Money { return newMoneyOrZero(s.Node.Indsats) }

// Total is the year's savings in all.
func (s SavingsYear) Total() *Money { return newMoneyOrZero(s.Node.Total) }
