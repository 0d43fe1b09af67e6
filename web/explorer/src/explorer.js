// The /explorer page: the organisation drawn with cytoscape, each centre with
// its own units, target groups, interventions, benefits and partners around
// it; a reform item's reach with its explaining paths; a centre's
// dependencies, each shared item named; any node's links as a table; search;
// an as-of date; a scenario's graph with what it changes marked, and as text
// beside the baseline's figures. Danish by default, English on request: the API gives every
// label in the language asked. The graph is reachable by keyboard (arrow keys
// along its edges, Enter opens), and what it shows is also text in the panel.
// Data comes from /graphql on the same origin.
import cytoscape from "cytoscape";

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, v);
  for (const k of kids) if (k != null) e.append(k);
  return e;
};

// The page's own words, in both languages.
const WORDS = {
  da: {
    title: "Udforsk BIF's organisation", controls: "Valg", pickReform: "Vælg reformelement", pickCentre: "Vælg center",
    pick: "— vælg —", search: "Søg", date: "Dato", reset: "Nulstil markering",
    start: "Vælg et reformelement, et center eller en knude i grafen",
    intro: "Grafen kan også bruges med tastaturet: gå til grafen med Tab, flyt med piletasterne, og åbn med Enter.",
    graph: "Graf", zoomIn: "Zoom ind", zoomOut: "Zoom ud", fit: "Tilpas", graphLabel: "Organisationens graf",
    graphHelp: "Piletast højre går til en nabo, op og ned skifter mellem naboer, venstre går tilbage, Home til første center, Enter åbner knuden i panelet.",
    legend: "Signaturforklaring", switchTo: "English", loading: "Henter …",
    wholePhase: (p) => `Hele fasen: ${p}`, affected: "Berørte centre", explanations: (n) => `Forklaringer (${n})`,
    noCentres: "Ingen centre nås.", unlinked: "Ikke forbundet med vilje:",
    dependencies: "Afhængigheder", none: "Ingen.", changes: "Ændringer 2024–2030", targetGroups: "Målgrupper", asOfDay: (d) => ` pr. ${d}`,
    shares: (n) => `${n} fælles`, links: "Forbindelser", statement: "Udsagn", node: "Knude", kindCol: "Type", basisCol: "Grundlag",
    why: "Begrundelse", hits: (t) => `Søgeresultater for “${t}”`, nothing: "Intet fundet.",
    notOnDay: (c) => `${c} findes ikke på datoen.`, chosen: (n, k) => `Valgt: ${n}, ${k}`, found: (n) => `${n} søgeresultater`,
    down: "Organisationsdata kunne ikke hentes. API'et svarer ikke; prøv igen senere.",
    failed: (m) => `Fejl: ${m}`, explicit: "Eksplicit", inferred: "Udledt", reached: "Nået (berørt)", selected: "Valgt", focus: "Tastaturfokus",
    neighbours: (n) => `${n} forbindelser`, open: "Åbn", sharedWith: (c) => `Deler med ${c}`,
    counts: (d) => `${d.targetGroups} målgrupper, ${d.interventions} indsatser, ${d.partners} samarbejdspartnere, ${d.benefitFlows} ydelsesstrømme`,
    scenario: "Scenarie", baseline: "Grundlinje", diff: (n) => `Scenariet „${n}“ mod grundlinjen`,
    onBaseline: "Grundlinjen vises.", inScenario: (n) => `Scenariet „${n}“ vises`, gone: "Scenariet findes ikke længere; grundlinjen vises.",
    reach: "Reformelementernes rækkevidde", reformItem: "Reformelement", gained: "Centre, der kommer til", lost: "Centre, der falder fra",
    linkChanges: "Forbindelser", added: "Ny:", removed: "Fjernet:", figures: "Medarbejdere, budget og årsværk, der flyttes",
    centreCol: "Center", measureCol: "Mål", movedCol: "Flyttes",
    measure: (m) => ({ EMPLOYEES: "Medarbejdere", BUDGET: "Budget", FULL_TIME_PERSONS: "Årsværk", OTHER: "Andet" })[m] || m,
    addedLink: "Ny forbindelse i scenariet", removedLink: "Fjernet forbindelse i scenariet", gainedMark: "Center kommer til (+)", lostMark: "Center falder fra (−)",
    updated: (time) => `Opdateret kl. ${time}: grafen er ændret, og det viste er hentet igen.`,
  },
  en: {
    title: "Explore BIF's organisation", controls: "Choices", pickReform: "Choose a reform item", pickCentre: "Choose a centre",
    pick: "— choose —", search: "Search", date: "Date", reset: "Clear highlighting",
    start: "Choose a reform item, a centre or a node in the graph",
    intro: "The graph works with the keyboard too: Tab to the graph, move with the arrow keys, open with Enter.",
    graph: "Graph", zoomIn: "Zoom in", zoomOut: "Zoom out", fit: "Fit", graphLabel: "The organisation's graph",
    graphHelp: "Right arrow goes to a neighbour, up and down switch between neighbours, left goes back, Home to the first centre, Enter opens the node in the panel.",
    legend: "Legend", switchTo: "Dansk", loading: "Loading …",
    wholePhase: (p) => `The whole phase: ${p}`, affected: "Affected centres", explanations: (n) => `Explanations (${n})`,
    noCentres: "No centre is reached.", unlinked: "Unlinked on purpose:",
    dependencies: "Dependencies", none: "None.", changes: "Changes 2024–2030", targetGroups: "Target groups", asOfDay: (d) => ` on ${d}`,
    shares: (n) => `${n} shared`, links: "Links", statement: "Statement", node: "Node", kindCol: "Kind", basisCol: "Basis",
    why: "Rationale", hits: (t) => `Search results for “${t}”`, nothing: "Nothing found.",
    notOnDay: (c) => `${c} does not exist on that day.`, chosen: (n, k) => `Chosen: ${n}, ${k}`, found: (n) => `${n} search results`,
    down: "The organisation's data could not be fetched. The API does not answer; try again later.",
    failed: (m) => `Error: ${m}`, explicit: "Explicit", inferred: "Inferred", reached: "Reached (affected)", selected: "Chosen", focus: "Keyboard focus",
    neighbours: (n) => `${n} links`, open: "Open", sharedWith: (c) => `Shares with ${c}`,
    counts: (d) => `${d.targetGroups} target groups, ${d.interventions} interventions, ${d.partners} partners, ${d.benefitFlows} benefit flows`,
    scenario: "Scenario", baseline: "Baseline", diff: (n) => `The scenario “${n}” against the baseline`,
    onBaseline: "The baseline is shown.", inScenario: (n) => `The scenario “${n}” is shown`, gone: "The scenario no longer exists; the baseline is shown.",
    reach: "The reform items' reach", reformItem: "Reform item", gained: "Centres gained", lost: "Centres lost",
    linkChanges: "Links", added: "New:", removed: "Removed:", figures: "Employees, budget and full-time persons that move",
    centreCol: "Centre", measureCol: "Measure", movedCol: "Moves",
    measure: (m) => ({ EMPLOYEES: "Employees", BUDGET: "Budget", FULL_TIME_PERSONS: "Full-time persons", OTHER: "Other" })[m] || m,
    addedLink: "New link in the scenario", removedLink: "Link removed in the scenario", gainedMark: "Centre gained (+)", lostMark: "Centre lost (−)",
    updated: (time) => `Updated at ${time}: the graph changed, and what is shown was fetched again.`,
  },
};

let lang = "da";
const t = (key, ...a) => { const w = WORDS[lang][key]; return typeof w === "function" ? w(...a) : w; };
const LANG = () => (lang === "en" ? "EN" : "DA");
// name: a name from the source, in Danish; marked as such on an English page.
const name = (text) => (lang === "da" ? document.createTextNode(text) : el("span", { lang: "da" }, text));

class APIError extends Error {}

async function gql(query, variables = {}) {
  let res;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new APIError(t("down"));
  }
  let body;
  try { body = await res.json(); } catch { throw new APIError(t("down")); }
  if (body.errors && !body.data) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

// A scenario's side: the same queries, asked of Scenario.graph. Its ids
// ("scenario:s1/centre:cba") are the baseline's with a prefix; the page keys
// its elements by the node, so the prefix is dropped from every id read.
let scenario = null; // { id, name } while a scenario is chosen
const inScenario = (query) => query.replace(/^query (\w+)\(([^)]*)\) \{([\s\S]*)\}$/,
  "query $1($2, $scenario: ID!) { scenario(id: $scenario) { graph {$3} } }");
const unscope = (v) => {
  if (Array.isArray(v)) return v.map(unscope);
  if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) v[k] = k === "id" && typeof x === "string" ? x.replace(/^scenario:[^/]+\//, "") : unscope(x);
  }
  return v;
};

// ask asks a query of the graph shown: the baseline's or the scenario's.
async function ask(query, variables = {}) {
  if (!scenario) return gql(query, variables);
  const data = await gql(inScenario(query), { ...variables, scenario: scenario.id });
  if (!data.scenario) throw new APIError(t("gone"));
  return unscope(data.scenario.graph);
}

const GRAPH = `query ExplorerGraph($asOf: Date) {
  centres(asOf: $asOf) { id code name
    units { id name } targetGroups { id name } interventions { id name }
    benefits { id name } partners { id code name } }
  reforms { phases { id name effectiveDate
    changes { id name phasesOut { id } affects { id } } } }
}`;
const VOCAB = `query ExplorerVocabulary($lang: Language) { vocabulary(lang: $lang) {
  kinds { kind label } relationships { relationship verb } } }`;
const IMPACT = `query ExplorerImpact($of: ID!, $lang: Language) { impact(of: $of) {
  subject { __typename id name links { relationship direction verb(lang: $lang) basis reason(lang: $lang) node { __typename id name } } ... on ReformChange { unlinkedReason(lang: $lang) } }
  centres { centre { id code name } basis
    paths { basis steps { verb(lang: $lang) basis reason(lang: $lang) reversed from { id name } to { id name } } } } } }`;
const CENTRE = `query ExplorerCentre($code: String!, $asOf: Date, $lang: Language) { centre(code: $code, asOf: $asOf) {
  __typename id code name targetGroups { id name } links { relationship direction verb(lang: $lang) basis reason(lang: $lang) node { __typename id name } }
  dependencies { centre { id code name } total targetGroups interventions partners benefitFlows
    shared { kind basis sentence(lang: $lang) reasons(lang: $lang) node { __typename id name } } }
  changes(from: "2024-01-01", to: "2030-12-31") { date change sentence(lang: $lang) } } }`;
const NODE = `query ExplorerNode($id: ID!, $lang: Language) { node(id: $id) { __typename id name description links { relationship direction verb(lang: $lang) basis reason(lang: $lang) node { __typename id name } } } }`;
const SEARCH = `query ExplorerSearch($text: String!, $lang: Language) { search(text: $text, first: 10) {
  node { __typename id name } kindLabel(lang: $lang) } }`;

// The scenarios, and what one changes (the diff's own ids are unscoped too).
const SCENARIOS = `query ExplorerScenarios { scenarios { id name } }`;
const DIFF = `query ExplorerScenarioDiff($scenario: ID!, $lang: Language) { scenario(id: $scenario) { id name diff {
  linksAdded { relationship sentence(lang: $lang) from { id } to { id } }
  linksRemoved { relationship sentence(lang: $lang) from { id } to { id } }
  impact { item { __typename id name } centresGained { id code } centresLost { id code } }
  figures { centre { id code } measure before after moved } } } }`;

// The graph's node kinds: what the legend shows and how the graph draws them.
// Each fill has a contrast of at least 3:1 on white (TestGraphContrast).
const KINDS = [
  { kind: "centre", type: "Centre", field: null, color: "#004f9f", shape: "round-rectangle" },
  { kind: "unit", type: "Unit", field: "units", rel: "HAS_UNIT", color: "#5b6770", shape: "triangle" },
  { kind: "targetgroup", type: "TargetGroup", field: "targetGroups", rel: "SERVES", color: "#1e7b34", shape: "ellipse" },
  { kind: "intervention", type: "Intervention", field: "interventions", rel: "DELIVERS", color: "#6a1b9a", shape: "diamond" },
  { kind: "benefit", type: "Benefit", field: "benefits", rel: "PAYS", color: "#9a5800", shape: "rectangle" },
  { kind: "partner", type: "Organisation", field: "partners", rel: "WORKS_WITH", color: "#00707a", shape: "hexagon" },
  { kind: "reform", type: "ReformChange", field: null, color: "#b3261e", shape: "star" },
];
const MARKS = { edge: "#6b6b6b", path: "#1a1a1a", focus: "#6200ea", selected: "#004f9f", added: "#1e7b34", removed: "#b3261e" };

let cy;
let phases = [];
let centresById = new Map(); // id -> { code, name }
let vocab = { da: null, en: null };
const asOf = () => { const v = $("#asof").value; return /^(202[4-9]|2030)-\d\d-\d\d$/.test(v) ? v : null; };
const kindLabel = (typename) => vocab[lang]?.kinds.find((k) => k.kind === typename)?.label || typename;

function elements(data) {
  const nodes = new Map();
  const edges = new Map();
  const node = (id, label, kind, type, owner) => {
    if (!nodes.has(id)) nodes.set(id, { data: { id, label, kind, type, owner } });
  };
  const edge = (source, target, rel) => {
    const id = `${source}>${target}`;
    if (!edges.has(id)) edges.set(id, { data: { id, source, target, rel } });
  };
  for (const c of data.centres) node(c.id, c.code, "centre", "Centre", c.id);
  for (const c of data.centres) {
    for (const k of KINDS.filter((k) => k.field)) {
      for (const n of c[k.field]) {
        node(n.id, n.code || n.name, k.kind, k.type, c.id);
        if (k.rel === "WORKS_WITH") edge(n.id, c.id, k.rel); else edge(c.id, n.id, k.rel);
      }
    }
  }
  for (const p of data.reforms.flatMap((r) => r.phases)) {
    for (const ch of p.changes) {
      const targets = [...ch.phasesOut.map((x) => [x, "PHASES_OUT"]), ...ch.affects.map((x) => [x, "AFFECTS"])]
        .filter(([x]) => nodes.has(x.id));
      if (!targets.length) continue;
      node(ch.id, ch.name, "reform", "ReformChange", null);
      for (const [x, rel] of targets) edge(ch.id, x.id, rel);
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

// positions groups each centre with the nodes it is the first to reach, in
// rings around it, kind by kind; the centres sit on a grid, the reform items
// in columns beside it. size(id) is a node's drawn size with its label, so
// each node gets room for its label along its ring and each ring room for
// the labels of the one inside it: no two labels overlap.
const GAP = 40, RING0 = 170, COLUMNS = 4, LABEL_WIDTH = 190;
function positions(nodes, size) {
  const byOwner = new Map();
  for (const n of nodes) {
    if (n.data.kind === "centre" || n.data.kind === "reform") continue;
    if (!byOwner.has(n.data.owner)) byOwner.set(n.data.owner, []);
    byOwner.get(n.data.owner).push(n.data.id);
  }
  const order = KINDS.map((k) => k.kind);
  const kindOf = new Map(nodes.map((n) => [n.data.id, n.data.kind]));
  const rings = new Map();
  let reach = RING0;
  // Half the widest label: how far one reaches sideways, at a ring's sides.
  const half = Math.max(...nodes.map((n) => size(n.data.id).w)) / 2;
  for (const [owner, items] of byOwner) {
    items.sort((a, b) => order.indexOf(kindOf.get(a)) - order.indexOf(kindOf.get(b)));
    const placed = [];
    let i = 0, r = Math.max(RING0, half + 110); // clear of the centre's own label
    while (i < items.length) {
      const ring = [];
      let arc = 0, tallest = 0, widest = 0;
      while (i < items.length) {
        const { w, h } = size(items[i]);
        // The angle whose chord leaves room for the label.
        const need = 2 * Math.asin(Math.min(1, (Math.max(w, h) + GAP) / (2 * r)));
        if (ring.length >= 2 && arc + need > 2 * Math.PI) break;
        ring.push([items[i], need]);
        arc += need;
        tallest = Math.max(tallest, h);
        widest = Math.max(widest, w);
        i++;
      }
      // Spread the ring's items over its whole circle, each its share.
      if (arc < 2 * Math.PI) for (const it of ring) it[1] += (2 * Math.PI - arc) / ring.length;
            let a = -Math.PI / 2;
      for (const [id, need] of ring) {
        a += need / 2;
        placed.push([id, r, a]);
        a += need / 2;
      }
      reach = Math.max(reach, r + Math.max(tallest, widest / 2));
      // Below a ring its labels hang down; at its sides they reach half their width.
      r += Math.max(tallest, widest / 2) + half + GAP;
    }
    rings.set(owner, placed);
  }
  const cell = 2 * reach + 3 * GAP;
  const pos = new Map();
  const centres = nodes.filter((n) => n.data.kind === "centre");
  centres.forEach((c, i) => {
    const cx = (i % COLUMNS) * cell, cyy = Math.floor(i / COLUMNS) * cell;
    pos.set(c.data.id, { x: cx, y: cyy });
    for (const [id, r, a] of rings.get(c.data.id) || []) pos.set(id, { x: cx + r * Math.cos(a), y: cyy + r * Math.sin(a) });
  });
  const reforms = nodes.filter((n) => n.data.kind === "reform").map((n) => n.data.id);
  const height = Math.ceil(centres.length / COLUMNS) * cell;
  let x = COLUMNS * cell - cell / 2 + GAP, y = -cell / 2, widest = 0;
  for (const id of reforms) {
    const { w, h } = size(id);
    if (y + h > height - cell / 2 && widest) { x += widest + GAP; y = -cell / 2; widest = 0; }
    pos.set(id, { x: x + w / 2, y: y + 20 });
    y += h + GAP;
    widest = Math.max(widest, w);
  }
  return pos;
}

// Labels are drawn only where they come out at 12 px or more on screen; the
// centres' and the chosen nodes' labels keep 14 px at any zoom (readable()).
const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 24, color: "#1a1a1a", width: 26, height: 26,
      "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": LABEL_WIDTH, "min-zoomed-font-size": 12,
      "text-background-color": "#fff", "text-background-opacity": 0.9, "text-background-padding": 1,
      "border-width": 1, "border-color": "#fff" } },
  ...KINDS.map((k) => ({ selector: `node[kind='${k.kind}']`, style: { "background-color": k.color, shape: k.shape } })),
  { selector: "node[kind='centre']", style: { width: 90, height: 56, "font-weight": "bold", "text-max-width": 400 } },
  { selector: "node[kind='reform']", style: { width: 34, height: 34 } },
  { selector: "edge", style: { width: 2, "line-color": MARKS.edge, "curve-style": "straight" } },
  { selector: ".faded", style: { opacity: 0.3 } },
  { selector: "edge.path", style: { opacity: 1, "line-color": MARKS.path, width: 5, "z-index": 10 } },
  { selector: "node.path", style: { opacity: 1, "font-weight": "bold", "z-index": 10 } },
  { selector: "node.reached", style: { opacity: 1, "border-width": 8, "border-color": MARKS.path, "border-style": "double" } },
  { selector: "node.selected", style: { opacity: 1, "border-width": 6, "border-color": MARKS.selected, "outline-width": 3, "outline-color": "#fff" } },
  // A scenario's changes, each told by its form as well as its colour: an
  // added link solid, thick and arrowed, a removed one dashed; a centre
  // gained "+" and a solid ring, one lost "−" and a dashed ring.
  { selector: "edge.added", style: { opacity: 1, "line-color": MARKS.added, width: 6, "target-arrow-shape": "triangle",
      "target-arrow-color": MARKS.added, "arrow-scale": 1.5, "z-index": 15 } },
  { selector: "edge.removed", style: { opacity: 1, "line-color": MARKS.removed, width: 4, "line-style": "dashed",
      "line-dash-pattern": [12, 8], "z-index": 15 } },
  { selector: "node.gained", style: { opacity: 1, label: (n) => `+ ${n.data("label")}`, "border-width": 8, "border-color": MARKS.added, "border-style": "solid" } },
  { selector: "node.lost", style: { opacity: 1, label: (n) => `− ${n.data("label")}`, "border-width": 8, "border-color": MARKS.removed, "border-style": "dashed" } },
  { selector: "node.cursor", style: { "outline-width": 6, "outline-color": MARKS.focus, "outline-offset": 4, "outline-style": "dashed", "z-index": 20 } },
];

// readable keeps the labels of the centres and of what is chosen at 14 px
// on screen whatever the zoom, never smaller than the others' 24; the rest
// show once zoomed in enough to be 12 px.
function readable() {
  const z = cy.zoom();
  const size = Math.max(24, 14 / z), width = Math.max(LABEL_WIDTH, 150 / z);
  const big = cy.nodes("[kind='centre'], .reached, .selected");
  big.style({ "font-size": size, "text-max-width": width });
  cy.nodes().not(big).removeStyle("font-size text-max-width");
}

function drawLegend() {
  const svg = (k) => {
    const s = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    s.setAttribute("viewBox", "0 0 20 20");
    s.setAttribute("aria-hidden", "true");
    const shapes = {
      "round-rectangle": `<rect x="1" y="4" width="18" height="12" rx="3"/>`, ellipse: `<circle cx="10" cy="10" r="8"/>`,
      triangle: `<polygon points="10,2 19,18 1,18"/>`,
      diamond: `<polygon points="10,1 19,10 10,19 1,10"/>`, rectangle: `<rect x="2" y="2" width="16" height="16"/>`,
      hexagon: `<polygon points="5,2 15,2 19,10 15,18 5,18 1,10"/>`, star: `<polygon points="10,1 12.6,7 19,7.4 14,11.6 15.6,18 10,14.4 4.4,18 6,11.6 1,7.4 7.4,7"/>`,
    };
    s.innerHTML = shapes[k.shape];
    s.firstChild.setAttribute("fill", k.color);
    return s;
  };
  const mark = (label, style) => {
    const s = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    s.setAttribute("viewBox", "0 0 20 20");
    s.setAttribute("aria-hidden", "true");
    s.innerHTML = `<circle cx="10" cy="10" r="7" fill="#fff" ${style}/>`;
    return el("li", {}, s, label);
  };
  const line = (label, style, head) => {
    const s = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    s.setAttribute("viewBox", "0 0 20 20");
    s.setAttribute("aria-hidden", "true");
    s.innerHTML = `<line x1="1" y1="10" x2="${head ? 14 : 19}" y2="10" ${style}/>${head}`;
    return el("li", { "data-mark": head ? "added" : "removed" }, s, label);
  };
  $("#legend").replaceChildren(
    ...KINDS.map((k) => el("li", {}, svg(k), kindLabel(k.type))),
    mark(t("reached"), `stroke="${MARKS.path}" stroke-width="4"`),
    mark(t("selected"), `stroke="${MARKS.selected}" stroke-width="4"`),
    mark(t("focus"), `stroke="${MARKS.focus}" stroke-width="3" stroke-dasharray="3 2"`),
    ...(scenario ? [
      line(t("addedLink"), `stroke="${MARKS.added}" stroke-width="4"`, `<polygon points="13,5 19,10 13,15" fill="${MARKS.added}" fill-opacity="1"/>`),
      line(t("removedLink"), `stroke="${MARKS.removed}" stroke-width="3" stroke-dasharray="5 3"`, ""),
      mark(t("gainedMark"), `stroke="${MARKS.added}" stroke-width="4"`),
      mark(t("lostMark"), `stroke="${MARKS.removed}" stroke-width="3" stroke-dasharray="4 2"`)] : []));
}

async function loadVocabulary() {
  if (!vocab[lang]) vocab[lang] = (await gql(VOCAB, { lang: LANG() })).vocabulary;
}

// The graph is drawn as of one day, but keyed by node: a centre seen as of a
// day has that view's id ("centre:cba@2026-03-01"), impact and paths name the
// node ("centre:cba").
const nodeID = (id) => id.replace(/@\d{4}-\d{2}-\d{2}$/, "");

async function loadGraph() {
  const data = await ask(GRAPH, { asOf: asOf() });
  for (const c of data.centres) c.id = nodeID(c.id);
  phases = data.reforms.flatMap((r) => r.phases);
  centresById = new Map(data.centres.map((c) => [c.id, c]));
  const { nodes, edges } = elements(data);
  const keep = cursor.id;
  if (cy) cy.destroy();
  cy = cytoscape({ container: $("#graph"), elements: [...nodes, ...edges], style: STYLE,
    layout: { name: "null" }, minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false, autoungrabify: true });
  const size = (id) => {
    const b = cy.getElementById(id).boundingBox({ includeNodes: true, includeEdges: false, includeLabels: true });
    return { w: b.w, h: b.h };
  };
  const pos = positions(nodes, size);
  cy.layout({ name: "preset", positions: (n) => pos.get(n.id()), fit: true, padding: 30 }).run();
  cy.on("tap", "node", (e) => { moveCursor(e.target.id(), null); open(e.target.id()); });
  cy.on("zoom", readable);
  readable();
  window.orggraphExplorer = { cy, cursor: () => cursor.id, marks: MARKS, kinds: KINDS };
  fillPickers(data);
  cursor = { id: null, parent: null, back: [] };
  if (keep && cy.getElementById(keep).nonempty()) moveCursor(keep, null);
  $("#graph").dataset.asOf = asOf() || "";
  $("#graph").dataset.scenario = scenario?.id || "";
  await loadDiff();
}

// What the chosen scenario changes, against the baseline: marked on the
// graph (links added and removed; the centres a reform item gains and loses)
// and told as text in #diff.
let diff = null;

async function loadDiff() {
  diff = null;
  if (scenario) {
    const data = await gql(DIFF, { scenario: scenario.id, lang: LANG() });
    if (!data.scenario) throw new APIError(t("gone"));
    diff = unscope(data.scenario.diff);
  }
  drawDiff();
  showDiff();
  drawLegend();
}

function drawDiff() {
  cy.remove("edge.removed");
  cy.edges(".added").removeClass("added");
  if (diff) {
    const find = (l) => cy.getElementById(`${l.from.id}>${l.to.id}`).union(cy.getElementById(`${l.to.id}>${l.from.id}`));
    const ends = (l) => cy.getElementById(l.from.id).nonempty() && cy.getElementById(l.to.id).nonempty();
    for (const l of diff.linksAdded) {
      let e = find(l);
      if (e.empty() && ends(l)) e = cy.add({ data: { id: `${l.from.id}>${l.to.id}`, source: l.from.id, target: l.to.id, rel: l.relationship } });
      e.addClass("added");
    }
    for (const l of diff.linksRemoved) {
      if (find(l).empty() && ends(l)) {
        cy.add({ data: { id: `removed:${l.from.id}>${l.to.id}`, source: l.from.id, target: l.to.id, rel: l.relationship }, classes: "removed" });
      }
    }
  }
  $("#graph").dataset.added = cy.edges(".added").map((e) => e.id()).join(" ");
  $("#graph").dataset.removed = cy.edges(".removed").map((e) => e.id()).join(" ");
  markItem($("#reform").value);
}

// markItem marks the centres the reform item gains and loses in the
// scenario: the one chosen, or else the first whose reach changes.
function markItem(id) {
  cy.nodes(".gained, .lost").removeClass("gained lost");
  const item = diff && (diff.impact.find((c) => c.item.id === id) || diff.impact[0]);
  if (item) {
    for (const c of item.centresGained) cy.getElementById(c.id).addClass("gained");
    for (const c of item.centresLost) cy.getElementById(c.id).addClass("lost");
  }
  $("#graph").dataset.diffItem = item?.item.id || "";
  $("#graph").dataset.gained = cy.nodes(".gained").map((n) => centresById.get(n.id())?.code || n.id()).join(" ");
  $("#graph").dataset.lost = cy.nodes(".lost").map((n) => centresById.get(n.id())?.code || n.id()).join(" ");
  readable();
}

function showDiff() {
  const box = $("#diff");
  if (!diff) { box.hidden = true; box.replaceChildren(); return; }
  const codes = (cs) => cs.length ? cs.map((c, i) => [i ? ", " : "", openButton({ id: c.id, name: c.code })]).flat() : [t("none")];
  const table = (caption, heads, rows) => el("table", { class: "links" },
    el("caption", { class: "sr" }, caption),
    el("thead", {}, el("tr", {}, ...heads.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows));
  const number = (x) => x.toLocaleString(lang === "da" ? "da-DK" : "en-GB", { maximumFractionDigits: 2 });
  const links = [...diff.linksAdded.map((l) => ["added", t("added"), l]), ...diff.linksRemoved.map((l) => ["removed", t("removed"), l])];
  box.hidden = false;
  box.replaceChildren(
    el("h2", { id: "diff-heading" }, t("diff", scenario.name)),
    el("h3", {}, t("reach")),
    diff.impact.length ? table(t("reach"), [t("reformItem"), t("gained"), t("lost")], diff.impact.map((c) =>
      el("tr", { "data-item-id": c.item.id },
        el("th", { scope: "row" }, openButton(c.item)),
        el("td", { class: "gained", "data-codes": c.centresGained.map((x) => x.code).join(" ") }, ...codes(c.centresGained)),
        el("td", { class: "lost", "data-codes": c.centresLost.map((x) => x.code).join(" ") }, ...codes(c.centresLost)))))
      : el("p", {}, t("none")),
    el("h3", {}, t("linkChanges")),
    links.length ? el("ul", { class: "linkchanges" }, ...links.map(([k, w, l]) =>
      el("li", { "data-change": k }, el("strong", {}, w), " ", lang === "da" ? l.sentence : el("span", {}, l.sentence))))
      : el("p", {}, t("none")),
    el("h3", {}, t("figures")),
    diff.figures.length ? table(t("figures"), [t("centreCol"), t("measureCol"), t("baseline"), t("scenario"), t("movedCol")], diff.figures.map((f) =>
      el("tr", { "data-centre-code": f.centre.code },
        el("th", { scope: "row" }, f.centre.code), el("td", {}, t("measure", f.measure)),
        el("td", {}, number(f.before)), el("td", {}, number(f.after)), el("td", {}, (f.moved > 0 ? "+" : "") + number(f.moved)))))
      : el("p", {}, t("none")));
}

async function loadScenarios() {
  const { scenarios } = await gql(SCENARIOS);
  const pick = $("#scenario");
  const keep = scenario?.id || "";
  pick.replaceChildren(el("option", { value: "" }, t("baseline")),
    ...scenarios.map((s) => el("option", { value: s.id }, s.name)));
  pick.value = scenarios.some((s) => s.id === keep) ? keep : "";
  markPickers();
}

// chooseScenario draws the scenario's graph (or the baseline's) and re-shows the panel in it.
async function chooseScenario(id) {
  const name = [...$("#scenario").options].find((o) => o.value === id)?.textContent;
  scenario = id ? { id, name } : null;
  await loadGraph();
  if (view) await view();
  announce(scenario ? t("inScenario", scenario.name) : t("onBaseline"));
}

function fillPickers(data) {
  const reform = $("#reform");
  const keep = reform.value;
  reform.replaceChildren(el("option", { value: "" }, t("pick")));
  for (const p of phases) {
    const g = el("optgroup", { label: `${p.name} (${p.effectiveDate})` });
    g.append(el("option", { value: p.id }, t("wholePhase", p.name)));
    for (const c of p.changes) g.append(el("option", { value: c.id }, c.name));
    reform.append(g);
  }
  reform.value = keep;
  const centre = $("#centre");
  const keepC = centre.value;
  centre.replaceChildren(el("option", { value: "" }, t("pick")),
    ...data.centres.map((c) => el("option", { value: c.code }, c.name === c.code ? c.code : `${c.code} – ${c.name}`)));
  centre.value = keepC;
  markPickers();
}

// markPickers marks the source's names in the pickers as Danish on an English page.
function markPickers() {
  for (const o of document.querySelectorAll("#reform optgroup, #reform option[value^='reformchange:'], #centre option:not([value='']), #scenario option:not([value=''])")) {
    if (lang === "da") o.removeAttribute("lang"); else o.setAttribute("lang", "da");
  }
}

// The page's static words, in the language chosen.
function translatePage() {
  document.documentElement.lang = lang;
  document.title = lang === "da" ? "orggraph – udforsk BIF" : "orggraph – explore BIF";
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
  for (const e of document.querySelectorAll("[data-t-label]")) e.setAttribute("aria-label", t(e.dataset.tLabel));
  const b = $("#lang");
  b.textContent = t("switchTo");
  b.setAttribute("lang", lang === "da" ? "en" : "da");
  const base = $("#scenario option[value='']");
  if (base) base.textContent = t("baseline");
  for (const o of document.querySelectorAll("#reform optgroup > option:first-child")) {
    const p = phases.find((x) => x.id === o.value);
    if (p) o.textContent = t("wholePhase", p.name);
  }
  markPickers();
  drawLegend();
}

// announce says, briefly, what was chosen; the other live line is follow's.
function announce(text) {
  if ($("#announce").textContent !== text) $("#announce").textContent = text;
}

let alerted = false;
function fail(e) {
  const text = e instanceof APIError ? e.message : t("failed", e.message);
  if (!alerted) { alerted = true; $("#alert").textContent = text; }
}

function clearMarks() {
  if (cy) { cy.elements().removeClass("faded path reached selected"); readable(); }
  $("#graph").dataset.highlighted = "";
}

function mark(ids, pathEdges, reached) {
  clearMarks();
  cy.elements().addClass("faded");
  for (const id of ids) cy.getElementById(id).removeClass("faded").addClass("path");
  for (const [a, b] of pathEdges) {
    cy.getElementById(`${a}>${b}`).union(cy.getElementById(`${b}>${a}`)).removeClass("faded").addClass("path");
  }
  for (const id of reached) cy.getElementById(id).addClass("reached");
  readable();
  $("#graph").dataset.highlighted = reached.map((id) => centresById.get(id)?.code || id).join(" ");
}

function focusOn(eles, padding = 40) {
  if (eles.nonempty()) cy.animate({ fit: { eles, padding }, duration: 250 });
}

const basis = (b) => el("span", { class: `basis ${b.toLowerCase()}` }, b === "EXPLICIT" ? t("explicit") : t("inferred"));

// openButton opens a node in the panel, as choosing it in the graph does.
function openButton(n) {
  const b = el("button", { type: "button", class: "open", "data-node-id": n.id }, name(n.name));
  b.addEventListener("click", () => { moveCursor(n.id, null); open(n.id); });
  return b;
}

// linksTable is the text twin of a node's neighbourhood: every link, as a
// sentence with its basis and reason, each other end a button that opens it.
function linksTable(node) {
  if (!node.links?.length) return el("p", {}, t("none"));
  const rows = node.links.map((l) => {
    const me = name(node.name), other = openButton(l.node);
    const sentence = l.direction === "OUTGOING" ? el("span", {}, me, ` ${l.verb} `, other) : el("span", {}, other, ` ${l.verb} `, me);
    return el("tr", { "data-relationship": l.relationship },
      el("td", {}, sentence), el("td", {}, kindLabel(l.node.__typename)), el("td", {}, basis(l.basis)),
      el("td", { class: "rationale" }, l.reason || ""));
  });
  return el("table", { class: "links" },
    el("caption", { class: "sr" }, `${t("links")}: ${node.name}`),
    el("thead", {}, el("tr", {}, ...[t("statement"), t("kindCol"), t("basisCol"), t("why")].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows));
}

function setPanel(heading, ...body) {
  $("#details").replaceChildren(el("h2", { id: "details-heading" }, ...[].concat(heading)), ...body);
}

let view = null; // what the panel shows: re-shown on a change of language or date
let seq = 0; // the latest request wins

async function showImpact(id) {
  const mine = ++seq;
  view = () => showImpact(id);
  $("#reform").value = id;
  $("#centre").value = "";
  const { impact } = await ask(IMPACT, { of: id, lang: LANG() });
  if (mine !== seq) return;
  const ids = new Set([id]);
  const edges = [];
  for (const ac of impact.centres) {
    for (const p of ac.paths) for (const s of p.steps) { ids.add(s.from.id); ids.add(s.to.id); edges.push([s.from.id, s.to.id]); }
  }
  if (id.startsWith("reformphase:")) for (const c of phases.find((p) => p.id === id)?.changes || []) ids.add(c.id);
  mark(ids, edges, impact.centres.map((ac) => ac.centre.id));
  cy.getElementById(id).addClass("selected");
  markItem(id);
  focusOn(cy.elements(".path, .reached"), 60);

  const s = impact.subject;
  const list = el("ul", { class: "affected" });
  for (const ac of impact.centres) {
    const paths = el("ol", { class: "paths" });
    for (const p of ac.paths) {
      const steps = el("ul", { class: "steps" });
      for (const st of p.steps) {
        // The walk may go against the stored relationship; the sentence reads it as stored.
        const [a, b] = st.reversed ? [st.to, st.from] : [st.from, st.to];
        const li = el("li", {}, basis(st.basis), " ", name(a.name), ` ${st.verb} `, name(b.name));
        if (st.reason) li.append(el("div", { class: "rationale" }, st.reason));
        steps.append(li);
      }
      paths.append(el("li", {}, steps));
    }
    list.append(el("li", { "data-centre-code": ac.centre.code },
      el("h3", {}, openButton({ id: ac.centre.id, name: ac.centre.code }), " ", basis(ac.basis)),
      el("details", { open: "" }, el("summary", {}, t("explanations", ac.paths.length)), paths)));
  }
  const none = [el("p", {}, t("noCentres"))];
  if (s.unlinkedReason) none.push(el("p", { class: "unlinked" }, el("strong", {}, t("unlinked")), " ", s.unlinkedReason));
  setPanel([`${t("affected")}: `, name(s.name)],
    ...(impact.centres.length ? [list] : none),
    el("h3", {}, t("links")), linksTable(s));
  $("#details").dataset.view = "impact";
  $("#details").dataset.centre = "";
  announce(t("chosen", s.name, kindLabel(s.__typename)));
}

async function showCentre(code) {
  const mine = ++seq;
  view = () => showCentre(code);
  $("#centre").value = code;
  $("#reform").value = "";
  const { centre } = await ask(CENTRE, { code, asOf: asOf(), lang: LANG() });
  if (mine !== seq) return;
  if (!centre) { setPanel(t("notOnDay", code)); return; }
  const ids = new Set([centre.id, ...centre.dependencies.map((d) => d.centre.id)]);
  mark(ids, centre.dependencies.map((d) => [centre.id, d.centre.id]), []);
  const sel = cy.getElementById(centre.id).addClass("selected");
  readable();
  sel.closedNeighborhood().removeClass("faded");
  focusOn(sel.union(cy.nodes(`[owner='${centre.id}']`)), 30);
  const deps = el("ul", { class: "deps" }, ...centre.dependencies.map((d) => el("li", { "data-centre-code": d.centre.code },
    el("h4", {}, t("sharedWith", d.centre.code), ` – ${t("shares", d.total)}`),
    el("p", { class: "kind" }, t("counts", d)),
    el("ul", { class: "shared" }, ...d.shared.map((s) => el("li", { "data-kind": s.kind },
      basis(s.basis), " ", el("span", { class: "kind" }, kindLabel(s.node.__typename)), " ", openButton(s.node), ": ",
      lang === "da" ? s.sentence : el("span", {}, s.sentence),
      ...s.reasons.map((r) => el("div", { class: "rationale" }, r))))))));
  const tgs = el("ul", { class: "targetgroups" }, ...centre.targetGroups.map((g) => el("li", {}, name(g.name))));
  setPanel(name(centre.name === centre.code ? centre.code : `${centre.code} – ${centre.name}`),
    el("h3", {}, t("dependencies")), centre.dependencies.length ? deps : el("p", {}, t("none")),
    el("h3", {}, t("targetGroups"), asOf() ? t("asOfDay", asOf()) : ""), tgs,
    el("h3", {}, t("changes")), centre.changes.length ? el("ul", { class: "changes" },
      ...centre.changes.map((c) => el("li", { "data-date": c.date, "data-change": c.change }, lang === "da" ? c.sentence : el("span", {}, c.sentence))))
      : el("p", {}, t("none")),
    el("h3", {}, t("links")), linksTable(centre));
  $("#details").dataset.view = "centre";
  $("#details").dataset.centre = centre.code;
  announce(t("chosen", centre.code, kindLabel("Centre")));
}

async function showNode(id) {
  const mine = ++seq;
  view = () => showNode(id);
  $("#centre").value = "";
  $("#reform").value = "";
  const { node } = await ask(NODE, { id, lang: LANG() });
  if (mine !== seq || !node) return;
  const n = cy.getElementById(id);
  clearMarks();
  if (n.nonempty()) {
    cy.elements().addClass("faded");
    n.addClass("selected").closedNeighborhood().removeClass("faded");
    readable();
    focusOn(n.closedNeighborhood(), 60);
  }
  setPanel(name(node.name), el("p", { class: "kind" }, kindLabel(node.__typename)),
    node.description ? el("p", {}, name(node.description)) : null,
    el("h3", {}, t("links")), linksTable(node));
  $("#details").dataset.view = "node";
  $("#details").dataset.node = node.id;
  $("#details").dataset.centre = "";
  announce(t("chosen", node.name, kindLabel(node.__typename)));
}

// open shows any node in the panel: a reform item its reach, a centre its
// dependencies, anything else its links.
function open(id) {
  const run = id.startsWith("reformchange:") || id.startsWith("reformphase:") ? showImpact(id)
    : id.startsWith("centre:") ? showCentre(centresById.get(id)?.code || id.slice(7)) : showNode(id);
  return run.catch(fail);
}

async function search(text) {
  const mine = ++seq;
  view = () => search(text);
  const { search } = await ask(SEARCH, { text, lang: LANG() });
  if (mine !== seq) return;
  $("#centre").value = "";
  $("#reform").value = "";
  const hits = el("ul", { class: "hits" });
  for (const h of search) {
    const b = el("button", { type: "button", "data-node-id": h.node.id, "data-kind": h.node.__typename },
      name(h.node.name), " ", el("span", { class: "kind" }, `(${h.kindLabel})`));
    b.addEventListener("click", () => { moveCursor(h.node.id, null); open(h.node.id); });
    hits.append(el("li", {}, b));
  }
  setPanel(t("hits", text), search.length ? hits : el("p", {}, t("nothing")));
  $("#details").dataset.view = "search";
  announce(t("found", search.length));
}

// The keyboard's way through the graph: a cursor on one node. Right goes to
// its first neighbour, up and down to the previous or next neighbour of the
// node it was reached from (at the top level: the centres and reform items),
// left back; Home to the first centre; Enter or space opens the node.
let cursor = { id: null, parent: null, back: [] };

function siblings() {
  if (!cursor.parent) return cy.nodes("[kind='centre'], [kind='reform']").map((n) => n.id());
  return cy.getElementById(cursor.parent).neighborhood("node").map((n) => n.id());
}

function moveCursor(id, parent) {
  if (!cy) return;
  cy.nodes(".cursor").removeClass("cursor");
  cursor.id = id;
  cursor.parent = parent;
  const n = cy.getElementById(id);
  if (n.empty()) return;
  n.addClass("cursor");
  const text = `${n.data("kind") === "centre" ? centresById.get(id)?.name || n.data("label") : n.data("label")}, ${kindLabel(n.data("type"))}, ${t("neighbours", n.neighborhood("node").length)}`;
  $("#cursor").textContent = text;
  $("#graph-cursor").textContent = text;
  $("#graph").dataset.cursor = id;
  const bb = cy.extent(), p = n.position();
  if (p.x < bb.x1 || p.x > bb.x2 || p.y < bb.y1 || p.y > bb.y2) cy.animate({ center: { eles: n }, duration: 150 });
}

function onGraphKey(e) {
  if (!cy) return;
  const first = () => cy.nodes("[kind='centre']").first().id();
  if (!cursor.id && ["ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown", "Home"].includes(e.key)) {
    e.preventDefault();
    moveCursor(first(), null);
    return;
  }
  switch (e.key) {
    case "ArrowRight": {
      const next = cy.getElementById(cursor.id).neighborhood("node").map((n) => n.id()).find((x) => x !== cursor.parent);
      if (next) { cursor.back.push([cursor.id, cursor.parent]); moveCursor(next, cursor.id); }
      break;
    }
    case "ArrowLeft": {
      const prev = cursor.back.pop();
      if (prev) moveCursor(prev[0], prev[1]);
      break;
    }
    case "ArrowDown": case "ArrowUp": {
      const sib = siblings();
      const i = sib.indexOf(cursor.id);
      const j = (i + (e.key === "ArrowDown" ? 1 : -1) + sib.length) % sib.length;
      moveCursor(sib[j], cursor.parent);
      break;
    }
    case "Home": cursor.back = []; moveCursor(first(), null); break;
    case "Enter": case " ": open(cursor.id); break;
    case "+": case "=": zoom(1.25); break;
    case "-": zoom(0.8); break;
    default: return;
  }
  e.preventDefault();
}

function zoom(f) {
  cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
}

// debounce runs f once input has rested for ms.
const debounce = (f, ms) => { let timer; return (...a) => { clearTimeout(timer); timer = setTimeout(() => f(...a), ms); }; };

async function switchLanguage() {
  lang = lang === "da" ? "en" : "da";
  await loadVocabulary();
  translatePage();
  if (cursor.id) moveCursor(cursor.id, cursor.parent);
  if (scenario) await loadDiff();
  if (view) await view();
}

const LIVE = "subscription ExplorerLive { graphChanged { seq } }";

// follow keeps the page up to date: it listens to graphChanged over GraphQL
// over SSE (an EventSource, which reconnects by itself with the last seq it
// heard) and, once a burst of writes has rested, draws the graph again and
// shows again what the panel showed, then says so in a status line of its
// own (#live, made here) with the time.
function follow() {
  if (!window.EventSource) return;
  const line = el("p", { id: "live", class: "live", role: "status" });
  $("#announce").after(line);
  let updates = 0;
  const reload = debounce(async () => {
    try {
      await loadGraph();
      if (view) await view();
    } catch (e) { fail(e); return; }
    const time = new Date().toLocaleTimeString(lang === "da" ? "da-DK" : "en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    line.textContent = t("updated", time);
    line.dataset.updates = String(++updates);
  }, 300);
  const url = new URL("/graphql", location.origin);
  url.searchParams.set("query", LIVE);
  new EventSource(url).addEventListener("next", reload);
}

window.addEventListener("DOMContentLoaded", () => {
  const guard = (f) => (...a) => Promise.resolve().then(() => f(...a)).catch(fail);
  $("#reform").addEventListener("change", debounce(guard(async (e) => { if (e.target.value) await showImpact(e.target.value); }), 250));
  $("#centre").addEventListener("change", debounce(guard(async (e) => { if (e.target.value) await showCentre(e.target.value); }), 250));
  // Typing searches once it rests; Enter searches at once. Either way a text
  // is searched once, so a late keystroke's search never replaces what a
  // hit, chosen meanwhile, opened.
  let searched = "";
  const runSearch = guard(async (force) => {
    const q = $("#q").value.trim();
    if (q.length < 2 || (q === searched && !force)) return;
    searched = q;
    await search(q);
  });
  $("#search").addEventListener("submit", (e) => { e.preventDefault(); runSearch(true); });
  $("#q").addEventListener("input", debounce(() => runSearch(false), 350));
  let lastDay = "";
  const dateChanged = debounce(guard(async () => {
    const day = asOf() || "";
    if (day === lastDay || ($("#asof").value && !day)) return; // unchanged, or not yet a whole date
    lastDay = day;
    await loadGraph();
    if ($("#details").dataset.view === "centre" && view) await view();
  }), 500);
  $("#asof").addEventListener("input", dateChanged);
  $("#asof").addEventListener("change", dateChanged);
  $("#reset").addEventListener("click", () => { clearMarks(); cy?.fit(undefined, 30); });
  $("#zoomin").addEventListener("click", () => zoom(1.25));
  $("#zoomout").addEventListener("click", () => zoom(0.8));
  $("#fit").addEventListener("click", () => cy?.animate({ fit: { padding: 30 }, duration: 200 }));
  $("#graph").addEventListener("keydown", onGraphKey);
  $("#graph").addEventListener("focus", () => { if (!cursor.id && cy) moveCursor(cy.nodes("[kind='centre']").first().id(), null); });
  $("#lang").addEventListener("click", guard(switchLanguage));
  $("#scenario").addEventListener("change", debounce(guard((e) => chooseScenario(e.target.value)), 250));
  drawLegend();
  guard(async () => { await Promise.all([loadVocabulary(), loadGraph(), loadScenarios()]); translatePage(); follow(); })();
});
