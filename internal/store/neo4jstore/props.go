package neo4jstore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/bif-kk/orggraph/internal/domain"
	"github.com/bif-kk/orggraph/internal/search"
	"github.com/bif-kk/orggraph/internal/store"
)

// Nodes keep their scalar facts as plain properties, dates as Cypher dates,
// so that the graph reads well in Neo4j Browser too. Lists of structures
// (sources, figures, tasks) cannot be Neo4j properties and are kept as JSON.
// Absent facts are absent properties.

func nodeProps(n *domain.Node) (map[string]any, error) {
	txt := search.TextOf(n)
	p := map[string]any{
		"id": string(n.ID), "kind": string(n.Kind), "name": n.Name, "order": int64(n.Order), "version": n.Version,
		"searchName": txt.Name, "searchAll": txt.All(),
	}
	setProvenance(p, n.Provenance)
	setString(p, "description", n.Description)
	setString(p, "code", n.Code)
	if n.Code != "" {
		p["codeLower"] = strings.ToLower(n.Code)
	}
	setString(p, "fullName", n.FullName)
	setString(p, "audience", string(n.Audience))
	setString(p, "legislation", n.Legislation)
	setString(p, "legalStatus", n.LegalStatus)
	setString(p, "unlinkedReason", n.UnlinkedReason)
	setString(p, "unlinkedReasonDa", n.UnlinkedReasonDa)
	setString(p, "label", n.Label)
	if len(n.Aliases) > 0 {
		p["aliases"] = n.Aliases
	}
	if len(n.Notes) > 0 {
		p["notes"] = n.Notes
	}
	setDate(p, "validFrom", n.ValidFrom)
	setDate(p, "validTo", n.ValidTo)
	setDate(p, "effectiveDate", n.EffectiveDate)
	if n.Year != nil {
		p["year"] = int64(*n.Year)
	}
	setMoney(p, "amountDKK", n.Amount)
	setMoney(p, "serviceDKK", n.Service)
	setMoney(p, "indsatsDKK", n.Indsats)
	setMoney(p, "totalDKK", n.Total)
	if n.SharePercent != nil {
		p["sharePercent"] = *n.SharePercent
	}
	if n.UnderBudgetCeiling != nil {
		p["underBudgetCeiling"] = *n.UnderBudgetCeiling
	}
	for key, v := range map[string]any{"sources": n.Sources, "figures": n.Figures, "tasks": n.Tasks} {
		if err := setJSON(p, key, v); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func relProps(r *domain.Relationship) (map[string]any, error) {
	p := map[string]any{"basis": string(r.Basis), "seq": int64(r.Seq), "version": r.Version}
	setProvenance(p, r.Provenance)
	setString(p, "rationale", r.Rationale)
	setString(p, "rationaleDa", r.RationaleDa)
	setString(p, "note", r.Note)
	setDate(p, "validFrom", r.ValidFrom)
	setDate(p, "validTo", r.ValidTo)
	if err := setJSON(p, "sources", r.Sources); err != nil {
		return nil, err
	}
	return p, nil
}

func setString(p map[string]any, key, v string) {
	if v != "" {
		p[key] = v
	}
}

// setProvenance keeps who set the facts (domain.Provenance) as two plain
// properties, absent while empty.
func setProvenance(p map[string]any, pv domain.Provenance) {
	setString(p, "editedBy", pv.EditedBy)
	setString(p, "seedFacts", pv.SeedFacts)
}

func (r *props) provenance() domain.Provenance {
	return domain.Provenance{EditedBy: r.str("editedBy"), SeedFacts: r.str("seedFacts")}
}

func setDate(p map[string]any, key string, d *domain.Date) {
	if d != nil {
		p[key] = neo4j.DateOf(d.Time())
	}
}

func setMoney(p map[string]any, key string, m *domain.Money) {
	if m != nil {
		p[key] = m.DKK
	}
}

// setJSON stores v as JSON unless it is an empty slice.
func setJSON(p map[string]any, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if s := string(b); s != "null" && s != "[]" {
		p[key] = s
	}
	return nil
}

// props reads typed values out of a property map, remembering the first
// value of the wrong type, which would mean the database holds data this
// package did not write.
type props struct {
	m    map[string]any
	row  []any    // a plainRow's values, read in place of m
	cols []string // the properties of row, in its order
	err  error
}

// plainProps are the properties a plainRow may project, in its order: a
// node's plain fields (domain.Node.Plain), each after id and kind with its
// bit of store.PlainFields.
var plainProps = []string{"id", "kind", "name", "description", "order", "code", "fullName", "validFrom", "validTo", "version"}

var plainBits = map[string]store.PlainFields{
	"name": store.PlainName, "description": store.PlainDescription, "order": store.PlainOrder,
	"code": store.PlainCode, "fullName": store.PlainFullName, "validFrom": store.PlainValidFrom,
	"validTo": store.PlainValidTo, "version": store.PlainVersion,
}

// plainCols are the properties a plain read of fields projects: id, kind
// and the fields (every plain property when fields is empty).
func plainCols(fields store.PlainFields) []string {
	if fields == 0 {
		return plainProps
	}
	cols := []string{"id", "kind"}
	for _, k := range plainProps[2:] {
		if fields&plainBits[k] != 0 {
			cols = append(cols, k)
		}
	}
	return cols
}

// plainRow projects the properties cols of a node as a list, which the
// driver reads faster than a map of them.
func plainRow(v string, cols []string) string {
	out := make([]string, len(cols))
	for i, k := range cols {
		out[i] = v + "." + k
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// value is the property key, from the row or the map.
func (r *props) value(key string) any {
	if r.row == nil {
		return r.m[key]
	}
	if i := slices.Index(r.cols, key); i >= 0 && i < len(r.row) {
		return r.row[i]
	}
	return nil
}

func (r *props) fail(key string, v any) {
	if r.err == nil {
		r.err = fmt.Errorf("property %s has unexpected type %T", key, v)
	}
}

// typed is the property key as a T, nil when it is absent.
func typed[T any](r *props, key string) *T {
	switch v := r.value(key).(type) {
	case nil:
		return nil
	case T:
		return &v
	default:
		r.fail(key, v)
		return nil
	}
}

func (r *props) str(key string) string {
	if v := typed[string](r, key); v != nil {
		return *v
	}
	return ""
}

func (r *props) int64p(key string) *int64 { return typed[int64](r, key) }

// number is the integer property key, 0 when it is absent.
func (r *props) number(key string) int64 {
	if v := r.int64p(key); v != nil {
		return *v
	}
	return 0
}

func (r *props) intp(key string) *int {
	if v := r.int64p(key); v != nil {
		i := int(*v)
		return &i
	}
	return nil
}

func (r *props) money(key string) *domain.Money {
	if v := r.int64p(key); v != nil {
		return &domain.Money{DKK: *v}
	}
	return nil
}

func (r *props) float(key string) *float64 { return typed[float64](r, key) }

func (r *props) boolp(key string) *bool { return typed[bool](r, key) }

func (r *props) date(key string) *domain.Date {
	if v := typed[neo4j.Date](r, key); v != nil {
		d := domain.Date(time.Time(*v).Format("2006-01-02"))
		return &d
	}
	return nil
}

func (r *props) strings(key string) []string {
	switch v := r.value(key).(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				r.fail(key, x)
				return nil
			}
			out = append(out, s)
		}
		return out
	default:
		r.fail(key, v)
		return nil
	}
}

func (r *props) json(key string, into any) {
	s := r.str(key)
	if s == "" || r.err != nil {
		return
	}
	if err := json.Unmarshal([]byte(s), into); err != nil && r.err == nil {
		r.err = fmt.Errorf("property %s: %w", key, err)
	}
}

func decodeNode(m map[string]any) (*domain.Node, error) {
	return decodeProps(&props{m: m})
}

// decodePlain decodes a plainRow of cols: a node holding those plain
// fields alone, each read as decodeProps reads it, straight from the row.
func decodePlain(cols []string) func(v any) (*domain.Node, error) {
	return func(v any) (*domain.Node, error) {
		row, ok := v.([]any)
		if !ok || len(row) != len(cols) {
			return nil, fmt.Errorf("a plain node row is %T of %d values, want %d", v, len(row), len(cols))
		}
		r := &props{row: row, cols: cols}
		str := func(k string, v any) string {
			s, ok := v.(string)
			if !ok && v != nil {
				r.fail(k, v)
			}
			return s
		}
		num := func(k string, v any) int64 {
			i, ok := v.(int64)
			if !ok && v != nil {
				r.fail(k, v)
			}
			return i
		}
		n := &domain.Node{}
		for i, k := range cols {
			switch v := row[i]; k {
			case "id":
				n.ID = domain.ID(str(k, v))
			case "kind":
				n.Kind = kindOf(str(k, v))
			case "name":
				n.Name = str(k, v)
			case "description":
				n.Description = str(k, v)
			case "order":
				n.Order = int(num(k, v))
			case "code":
				n.Code = str(k, v)
			case "fullName":
				n.FullName = str(k, v)
			case "validFrom":
				n.ValidFrom = r.date(k)
			case "validTo":
				n.ValidTo = r.date(k)
			case "version":
				n.Version = num(k, v)
			}
		}
		if r.err == nil && n.Kind == "" {
			r.err = fmt.Errorf("node %s has unknown kind %q", n.ID, str("kind", row[1]))
		}
		return n, r.err
	}
}

// kinds are the valid kinds by name.
var kinds = func() map[string]domain.Kind {
	m := make(map[string]domain.Kind, len(domain.Kinds))
	for _, k := range domain.Kinds {
		m[string(k)] = k
	}
	return m
}()

// kindOf is the kind named s, empty when s names none.
func kindOf(s string) domain.Kind { return kinds[s] }

func decodeProps(r *props) (*domain.Node, error) {
	n := &domain.Node{
		ID: domain.ID(r.str("id")), Kind: domain.Kind(r.str("kind")), Name: r.str("name"),
		Description: r.str("description"), Code: r.str("code"), FullName: r.str("fullName"),
		Aliases: r.strings("aliases"), Notes: r.strings("notes"),
		Audience: domain.Audience(r.str("audience")), Legislation: r.str("legislation"),
		LegalStatus: r.str("legalStatus"), Label: r.str("label"),
		UnlinkedReason: r.str("unlinkedReason"), UnlinkedReasonDa: r.str("unlinkedReasonDa"),
		ValidFrom: r.date("validFrom"), ValidTo: r.date("validTo"), EffectiveDate: r.date("effectiveDate"),
		Year: r.intp("year"), Amount: r.money("amountDKK"), SharePercent: r.float("sharePercent"),
		UnderBudgetCeiling: r.boolp("underBudgetCeiling"),
		Service:            r.money("serviceDKK"), Indsats: r.money("indsatsDKK"), Total: r.money("totalDKK"),
	}
	n.Order, n.Version = int(r.number("order")), r.number("version")
	n.Provenance = r.provenance()
	r.json("sources", &n.Sources)
	r.json("figures", &n.Figures)
	r.json("tasks", &n.Tasks)
	if r.err == nil && !n.Kind.Valid() {
		r.err = fmt.Errorf("node %s has unknown kind %q", n.ID, n.Kind)
	}
	return n, r.err
}

// decodeRelMap decodes a relationship given as a {type, from, to, props} map.
func decodeRelMap(m map[string]any) (*domain.Relationship, error) {
	kind, _ := m["type"].(string)
	from, _ := m["from"].(string)
	to, _ := m["to"].(string)
	props, _ := m["props"].(map[string]any)
	return decodeRel(kind, from, to, props)
}

func decodeRel(kind, from, to string, m map[string]any) (*domain.Relationship, error) {
	r := &props{m: m}
	rel := &domain.Relationship{
		Kind: domain.RelKind(kind), From: domain.ID(from), To: domain.ID(to),
		Basis: domain.Basis(r.str("basis")), Rationale: r.str("rationale"), RationaleDa: r.str("rationaleDa"), Note: r.str("note"),
		ValidFrom: r.date("validFrom"), ValidTo: r.date("validTo"),
	}
	rel.Seq, rel.Version = int(r.number("seq")), r.number("version")
	rel.Provenance = r.provenance()
	r.json("sources", &rel.Sources)
	return rel, r.err
}
