// The /explorer page: the organisation drawn with cytoscape, a reform item's
// reach with its explaining paths, a centre's dependencies, search, and an
// as-of date. Data comes from /graphql on the same origin.
import cytoscape from "cytoscape";

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
};
const basisDa = (b) => (b === "EXPLICIT" ? "Eksplicit" : "Udledt");

async function gql(query, variables = {}) {
  const res = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

const GRAPH = `query Graph($asOf: Date) {
  centres(asOf: $asOf) { id code name
    units { id name } targetGroups { id name } interventions { id name }
    benefits { id name } partners { id code name } }
  reforms { phases { id name effectiveDate
    changes { id name phasesOut { id } affects { id } } } }
}`;
const IMPACT = `query Impact($of: ID!) { impact(of: $of) {
  centres { centre { id code } basis
    paths { basis steps { statement basis rationale from { id } to { id } } } } } }`;
const DEPS = `query Deps($code: String!, $asOf: Date) { centre(code: $code, asOf: $asOf) {
  id code name targetGroups { name }
  dependencies { centre { id code } total targetGroups interventions partners benefitFlows } } }`;
const SEARCH = `query Search($text: String!) { search(text: $text, first: 10) { node { __typename id name } } }`;

const KINDS = {
  units: "unit", targetGroups: "targetgroup", interventions: "intervention",
  benefits: "benefit", partners: "partner",
};

let cy;
let phases = [];
// The graph is drawn as of one day, but keyed by node: a centre seen as of a
// day has that view's id ("centre:cba@2026-03-01"), impact and paths name the
// node ("centre:cba").
const nodeID = (id) => id.replace(/@\d{4}-\d{2}-\d{2}$/, "");
const asOf = () => $("#asof").value || null;

function elements(data) {
  const els = new Map();
  const edges = [];
  const node = (id, label, kind) => {
    if (!els.has(id)) els.set(id, { data: { id, label, kind } });
  };
  for (const c of data.centres) {
    const cid = nodeID(c.id);
    node(cid, c.code, "centre");
    for (const [field, kind] of Object.entries(KINDS)) {
      for (const n of c[field]) {
        node(n.id, n.code || n.name, kind);
        edges.push({ data: { id: `${cid}>${n.id}`, source: cid, target: n.id } });
      }
    }
  }
  for (const p of data.reforms.flatMap((r) => r.phases)) {
    for (const ch of p.changes) {
      const targets = [...ch.phasesOut, ...ch.affects].filter((t) => els.has(t.id));
      if (!targets.length) continue;
      node(ch.id, ch.name, "reform");
      for (const t of targets) edges.push({ data: { id: `${ch.id}>${t.id}`, source: ch.id, target: t.id } });
    }
  }
  return [...els.values(), ...edges.filter((e, i, a) => a.findIndex((x) => x.data.id === e.data.id) === i)];
}

const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 9, color: "#222", width: 14, height: 14,
      "background-color": "#8a8a8a", "text-wrap": "ellipsis", "text-max-width": 110 } },
  { selector: "node[kind='centre']", style: { "background-color": "#004f9f", width: 36, height: 36,
      "font-size": 14, "font-weight": "bold", color: "#fff", "text-valign": "center", "text-halign": "center",
      "text-outline-color": "#004f9f", "text-outline-width": 2 } },
  { selector: "node[kind='targetgroup']", style: { "background-color": "#2e7d32" } },
  { selector: "node[kind='intervention']", style: { "background-color": "#6a1b9a", shape: "diamond" } },
  { selector: "node[kind='benefit']", style: { "background-color": "#b26a00", shape: "round-rectangle" } },
  { selector: "node[kind='partner']", style: { "background-color": "#455a64", shape: "hexagon" } },
  { selector: "node[kind='unit']", style: { "background-color": "#90a4ae", width: 10, height: 10 } },
  { selector: "node[kind='reform']", style: { "background-color": "#c62828", shape: "star", width: 18, height: 18 } },
  { selector: "edge", style: { width: 1, "line-color": "#ccc", "curve-style": "haystack" } },
  { selector: ".faded", style: { opacity: 0.15 } },
  { selector: "edge.path", style: { opacity: 1, "line-color": "#c62828", width: 3 } },
  { selector: "node.path", style: { opacity: 1, "border-width": 2, "border-color": "#c62828", "font-size": 12,
      "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 2 } },
  { selector: "node.highlighted", style: { opacity: 1, "background-color": "#c62828", color: "#fff",
      "text-outline-color": "#c62828", "text-background-opacity": 0, "border-width": 4, "border-color": "#ffb300" } },
  { selector: "node.selected", style: { opacity: 1, "border-width": 4, "border-color": "#ffb300" } },
];

async function loadGraph() {
  status("Henter organisationen …");
  const data = await gql(GRAPH, { asOf: asOf() });
  phases = data.reforms.flatMap((r) => r.phases);
  if (cy) cy.destroy();
  cy = cytoscape({ container: $("#graph"), elements: elements(data), style: STYLE,
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 60 } });
  cy.on("tap", "node[kind='centre']", (e) => showCentre(e.target.data("label")));
  cy.on("tap", "node[kind='reform']", (e) => showImpact(e.target.id()));
  window.orggraphExplorer = { cy };
  fillPickers(data);
  $("#graph").dataset.asOf = asOf() || "";
  status("");
}

function fillPickers(data) {
  const reform = $("#reform");
  const keep = reform.value;
  reform.replaceChildren(el("option", { value: "" }, "— vælg —"));
  for (const p of phases) {
    const g = el("optgroup", { label: `${p.name} (${p.effectiveDate})` });
    g.append(el("option", { value: p.id }, `Hele fasen: ${p.name}`));
    for (const c of p.changes) g.append(el("option", { value: c.id }, c.name));
    reform.append(g);
  }
  reform.value = keep;
  const centre = $("#centre");
  const keepC = centre.value;
  centre.replaceChildren(el("option", { value: "" }, "— vælg —"),
    ...data.centres.map((c) => el("option", { value: c.code }, c.name === c.code ? c.code : `${c.code} – ${c.name}`)));
  centre.value = keepC;
}

function status(text) { $("#status").textContent = text; }

function clearMarks() {
  cy.elements().removeClass("faded path highlighted selected");
}

function mark(ids, pathEdges, highlightedCodes) {
  clearMarks();
  cy.elements().addClass("faded");
  for (const id of ids) cy.getElementById(id).removeClass("faded").addClass("path");
  for (const [a, b] of pathEdges) {
    cy.edges().filter((e) => (e.source().id() === a && e.target().id() === b) ||
      (e.source().id() === b && e.target().id() === a)).removeClass("faded").addClass("path");
  }
  $("#graph").dataset.highlighted = highlightedCodes.join(" ");
}

async function showImpact(id) {
  status("Henter påvirkning …");
  $("#reform").value = id;
  $("#centre").value = "";
  const { impact } = await gql(IMPACT, { of: id });
  const ids = new Set([id]);
  const edges = [];
  for (const ac of impact.centres) {
    for (const p of ac.paths) for (const s of p.steps) { ids.add(s.from.id); ids.add(s.to.id); edges.push([s.from.id, s.to.id]); }
  }
  mark(ids, edges, impact.centres.map((ac) => ac.centre.code));
  for (const ac of impact.centres) cy.getElementById(ac.centre.id).addClass("highlighted");
  cy.getElementById(id).addClass("selected");
  cy.animate({ fit: { eles: cy.elements(".path, .highlighted"), padding: 60 }, duration: 300 });

  const label = $("#reform").selectedOptions[0]?.textContent || id;
  const list = el("ul", { class: "affected" });
  for (const ac of impact.centres) {
    const paths = el("ol", { class: "paths" });
    for (const p of ac.paths) {
      const steps = el("ul", { class: "steps" });
      for (const s of p.steps) {
        const li = el("li", {}, el("span", { class: `basis ${s.basis.toLowerCase()}` }, basisDa(s.basis)), " ", s.statement);
        if (s.rationale) li.append(el("div", { class: "rationale" }, s.rationale));
        steps.append(li);
      }
      paths.append(el("li", {}, steps));
    }
    list.append(el("li", { "data-centre-code": ac.centre.code },
      el("h3", {}, ac.centre.code, " ", el("span", { class: `basis ${ac.basis.toLowerCase()}` }, basisDa(ac.basis))),
      el("details", { open: "" }, el("summary", {}, `Forklaringer (${ac.paths.length})`), paths)));
  }
  $("#details").replaceChildren(el("h2", {}, `Berørte centre: ${label}`),
    impact.centres.length ? list : el("p", {}, "Ingen centre nås."));
  status("");
}

async function showCentre(code) {
  status("Henter afhængigheder …");
  $("#centre").value = code;
  $("#reform").value = "";
  const { centre } = await gql(DEPS, { code, asOf: asOf() });
  if (!centre) { $("#details").replaceChildren(el("p", {}, `${code} findes ikke på datoen.`)); status(""); return; }
  const ids = new Set([centre.id, ...centre.dependencies.map((d) => d.centre.id)]);
  mark(ids, centre.dependencies.map((d) => [centre.id, d.centre.id]), [centre.code]);
  const sel = cy.getElementById(centre.id).addClass("selected");
  sel.neighborhood().removeClass("faded");
  cy.animate({ fit: { eles: sel.closedNeighborhood().union(cy.elements(".path")), padding: 40 }, duration: 300 });
  const deps = el("ul", { class: "deps" }, ...centre.dependencies.map((d) => el("li", { "data-centre-code": d.centre.code },
    el("strong", {}, d.centre.code), ` – ${d.total} fælles: ${d.targetGroups} målgrupper, ${d.interventions} indsatser, ` +
    `${d.partners} samarbejdspartnere, ${d.benefitFlows} ydelsesstrømme`)));
  const tgs = el("ul", { class: "targetgroups" }, ...centre.targetGroups.map((t) => el("li", {}, t.name)));
  $("#details").replaceChildren(el("h2", {}, centre.name === centre.code ? centre.code : `${centre.code} – ${centre.name}`),
    el("h3", {}, "Afhængigheder"), centre.dependencies.length ? deps : el("p", {}, "Ingen."),
    el("h3", {}, `Målgrupper${asOf() ? ` pr. ${asOf()}` : ""}`), tgs);
  $("#details").dataset.centre = centre.code;
  status("");
}

async function search(text) {
  const { search } = await gql(SEARCH, { text });
  const hits = el("ul", { class: "hits" });
  for (const h of search) {
    const b = el("button", { type: "button" }, `${h.node.name} `, el("small", {}, h.node.__typename));
    b.addEventListener("click", () => {
      if (h.node.__typename === "ReformChange" || h.node.__typename === "ReformPhase") return showImpact(h.node.id);
      if (h.node.__typename === "Centre") return showCentre(cy.getElementById(h.node.id).data("label") || h.node.name);
      const n = cy.getElementById(h.node.id);
      if (n.nonempty()) { mark(new Set([h.node.id]), [], []); n.addClass("selected").closedNeighborhood().removeClass("faded"); cy.animate({ center: { eles: n } }); }
    });
    hits.append(el("li", {}, b));
  }
  $("#details").replaceChildren(el("h2", {}, `Søgeresultater for “${text}”`), search.length ? hits : el("p", {}, "Intet fundet."));
}

const guard = (f) => (...a) => f(...a).catch((e) => status(`Fejl: ${e.message}`));

window.addEventListener("DOMContentLoaded", () => {
  $("#reform").addEventListener("change", guard(async (e) => { if (e.target.value) await showImpact(e.target.value); }));
  $("#centre").addEventListener("change", guard(async (e) => { if (e.target.value) await showCentre(e.target.value); }));
  $("#search").addEventListener("submit", guard(async (e) => { e.preventDefault(); const t = $("#q").value.trim(); if (t) await search(t); }));
  $("#asof").addEventListener("change", guard(async () => {
    await loadGraph();
    const code = $("#details").dataset.centre;
    if (code && $("#centre").value) await showCentre(code);
  }));
  $("#reset").addEventListener("click", () => { clearMarks(); $("#graph").dataset.highlighted = ""; });
  guard(loadGraph)();
});
