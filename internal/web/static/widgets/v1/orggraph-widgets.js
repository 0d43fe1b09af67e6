// orggraph intranet widgets, v1: <orggraph-centre-card code="CBA">,
// <orggraph-reform-timeline>, <orggraph-impact item="reformchange:…">,
// <orggraph-budget>. Each takes api="https://orggraph.example" (default: the
// origin this script came from) and fetches by GET with automatic persisted
// queries, so the browser's HTTP cache revalidates answers by ETag. The
// server knows each widget's query from its start (a trusted document), so
// the GET by hash alone is answered on the first visit too: one request a
// widget. Dates and numbers are written as Danes write them. With the
// attribute live, a widget loads again after each write to the graph (one
// EventSource per API, on graphChanged over GraphQL over SSE) and, when what
// it shows changed, says so.
(() => {
  "use strict";
  const scriptOrigin = (() => {
    try { return new URL(document.currentScript.src).origin; } catch { return location.origin; }
  })();
  const hashes = new Map();

  async function sha256(text) {
    if (!crypto.subtle) return null; // not a secure context: send the query itself
    const buf = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Refused: the API answers, but not to this page's origin (CORS).
  class Refused extends Error {}

  async function get(api, params) {
    const url = new URL("/graphql", api);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    let res;
    try {
      res = await fetch(url, { headers: { Accept: "application/json" } });
    } catch (e) {
      // A refused origin and an outage look alike to fetch; an opaque
      // request, which CORS does not stop, tells them apart.
      const up = await fetch(new URL("/healthz", api), { mode: "no-cors" }).then(() => true, () => false);
      throw up ? new Refused("origin refused") : e;
    }
    return res.json();
  }

  const MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"];
  // dateDa: "2026-02-01" as "1. februar 2026".
  const dateDa = (iso) => {
    const [y, m, d] = String(iso).split("-").map(Number);
    return `${d}. ${MONTHS[m - 1]} ${y}`;
  };
  // numberDa: 12345 as "12.345", 2.5 as "2,5".
  const numberDa = (n) => {
    const [int, frac] = String(Math.abs(n)).split(".");
    return (n < 0 ? "−" : "") + int.replace(/\B(?=(\d{3})+(?!\d))/g, ".") + (frac ? "," + frac : "");
  };

  // query: APQ by hash first; once more with the query when the API has not seen it.
  async function query(api, text, variables) {
    if (!hashes.has(text)) hashes.set(text, await sha256(text));
    const hash = hashes.get(text);
    const vars = JSON.stringify(variables || {});
    let body;
    if (hash) {
      const ext = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
      body = await get(api, { variables: vars, extensions: ext });
      if (body.errors && body.errors.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND" || e.message === "PersistedQueryNotFound")) {
        body = await get(api, { query: text, variables: vars, extensions: ext });
      }
    } else {
      body = await get(api, { query: text, variables: vars });
    }
    if (body.errors && !body.data) throw new Error(body.errors[0].message);
    return body.data;
  }

  // One event stream per API, shared by its live widgets.
  const feeds = new Map();
  function listen(api, fn) {
    let feed = feeds.get(api);
    if (!feed) {
      const url = new URL("/graphql", api);
      url.searchParams.set("query", "subscription OrggraphWidgetsLive { graphChanged { seq } }");
      feed = { source: new EventSource(url), fns: new Set() };
      feed.source.addEventListener("next", () => feed.fns.forEach((f) => f()));
      feeds.set(api, feed);
    }
    feed.fns.add(fn);
    return () => {
      feed.fns.delete(fn);
      if (feed.fns.size === 0) { feed.source.close(); feeds.delete(api); }
    };
  }

  const STYLE = `
    :host { display: block; font: 14px/1.4 system-ui, sans-serif; color: #1a1a1a; }
    .card { border: 1px solid #b8c4d0; border-radius: 6px; padding: .75rem 1rem; background: #fff; max-width: 36rem; }
    h2 { font-size: 1.1rem; margin: 0 0 .3rem; color: #003a75; }
    h3 { font-size: .95rem; margin: .6rem 0 .2rem; }
    ul, ol { margin: .2rem 0; padding-left: 1.2rem; }
    dl { display: grid; grid-template-columns: auto auto; justify-content: start; gap: .1rem .8rem; margin: .4rem 0; }
    dt { font-weight: 600; }
    dd { margin: 0; }
    .basis { font-size: .75rem; padding: 0 .3rem; border-radius: 3px; color: #fff; }
    .explicit { background: #1b5e20; } .inferred { background: #8d4e00; }
    .error { color: #8b0000; background: #fff3f3; border-color: #d9a0a0; }
    details summary { cursor: pointer; }
    summary:focus-visible, a:focus-visible { outline: 3px solid #ffb300; }
    time { font-weight: 600; }
    /* The date is the item's number: no "1." before "1. februar 2026". */
    ol.timeline { list-style: none; padding-left: 0; }
    table { border-collapse: collapse; } th, td { text-align: left; padding: .15rem .6rem .15rem 0; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .live { font-size: .8rem; color: #1b5e20; margin: .4rem 0 0; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  `;
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  class Widget extends HTMLElement {
    static get observedAttributes() { return ["api", "code", "item"]; }
    constructor() { super(); this.attachShadow({ mode: "open" }); }
    connectedCallback() {
      this.schedule();
      if (this.hasAttribute("live") && !this.unlisten) this.unlisten = listen(this.api, () => this.refresh());
    }
    disconnectedCallback() { if (this.unlisten) { this.unlisten(); this.unlisten = null; } }
    attributeChangedCallback(_, before, after) { if (this.isConnected && before !== after) this.schedule(); }
    // schedule loads once for all that changed together: an upgrade reports
    // each attribute and then the connection, which would be one fetch each.
    schedule() {
      if (this.pending) return;
      this.pending = true;
      queueMicrotask(() => { this.pending = false; this.load(); });
    }
    get api() { return this.getAttribute("api") || scriptOrigin; }
    async load() {
      const label = this.label();
      this.shadowRoot.innerHTML = `<style>${STYLE}</style><section class="card" role="region" aria-label="${esc(label)}" aria-busy="true"><p>Henter …</p></section>`;
      const box = this.shadowRoot.querySelector("section");
      try {
        const data = await query(this.api, this.constructor.QUERY, this.variables());
        this.shown = this.render(data);
        box.innerHTML = this.shown;
        box.removeAttribute("aria-busy");
        this.dataset.state = "ready";
      } catch (e) {
        const refused = e instanceof Refused;
        box.classList.add("error");
        box.setAttribute("role", "alert");
        box.removeAttribute("aria-busy");
        box.innerHTML = `<h2>${esc(label)}</h2><p>${refused
          ? "Organisationsdata må ikke vises på denne side: API'et tillader ikke sidens adresse (CORS). Bed API'ets drift om at godkende adressen."
          : "Organisationsdata kunne ikke hentes lige nu. Prøv igen senere."}</p>`;
        this.dataset.state = refused ? "refused" : "error";
      }
    }
    // refresh loads again after a write, and says so when what it shows changed.
    async refresh() {
      if (this.dataset.state !== "ready") return;
      try {
        const html = this.render(await query(this.api, this.constructor.QUERY, this.variables()));
        this.dataset.refreshed = String(Number(this.dataset.refreshed || 0) + 1);
        if (html === this.shown) return;
        this.shown = html;
        const time = new Date().toLocaleTimeString("da-DK", { hour: "2-digit", minute: "2-digit" });
        this.shadowRoot.querySelector("section").innerHTML = html + `<p class="live" role="status">Opdateret kl. ${esc(time)}: oplysningerne er ændret.</p>`;
        this.dataset.updates = String(Number(this.dataset.updates || 0) + 1);
      } catch { /* keep what is shown; the next write tries again */ }
    }
    variables() { return {}; }
  }

  class CentreCard extends Widget {
    static QUERY = `query OrggraphCentreCard($code: String!) { centre(code: $code) { code name fullName description employees fullTimePersons budget { display } targetGroups { name } interventions { name } } }`;
    label() { return `Center ${this.getAttribute("code") || ""}`; }
    variables() { return { code: this.getAttribute("code") || "" }; }
    render({ centre: c }) {
      if (!c) return `<h2>${esc(this.label())}</h2><p>Centret findes ikke.</p>`;
      const fig = [["Medarbejdere", c.employees], ["Fuldtidspersoner", c.fullTimePersons], ["Budget", c.budget?.display]]
        .filter(([, v]) => v != null).map(([k, v]) => `<dt>${k}</dt><dd class="num">${esc(typeof v === "number" ? numberDa(v) : v)}</dd>`).join("");
      const name = c.fullName || c.name;
      return `<h2>${esc(c.code)}${name !== c.code ? ` – ${esc(name)}` : ""}</h2><p>${esc(c.description.split("\n")[0])}</p>
        ${fig ? `<dl>${fig}</dl>` : ""}
        <h3>Målgrupper</h3><ul>${c.targetGroups.map((t) => `<li>${esc(t.name)}</li>`).join("")}</ul>
        <details><summary>Indsatser (${c.interventions.length})</summary><ul>${c.interventions.map((t) => `<li>${esc(t.name)}</li>`).join("")}</ul></details>`;
    }
  }

  class ReformTimeline extends Widget {
    static QUERY = `query OrggraphReformTimeline { reforms { name phases { id name effectiveDate legalStatus changes { name } } } }`;
    label() { return "Reformens tidslinje"; }
    render({ reforms }) {
      return reforms.map((r) => `<h2>${esc(r.name)}</h2><ol class="timeline">${r.phases.map((p) =>
        `<li><h3><time datetime="${esc(p.effectiveDate)}">${esc(dateDa(p.effectiveDate))}</time> – ${esc(p.legalStatus)}</h3>
         <details><summary>${p.changes.length} reformelementer</summary><ul>${p.changes.map((c) => `<li>${esc(c.name)}</li>`).join("")}</ul></details></li>`).join("")}</ol>`).join("");
    }
  }

  class ImpactWidget extends Widget {
    static QUERY = `query OrggraphImpact($of: ID!) { impact(of: $of) { subject { id name } centres { centre { code name } basis } fullTimePersons fullTimePersonsComplete } }`;
    label() { return "Berørte centre"; }
    variables() { return { of: this.getAttribute("item") || "" }; }
    render({ impact: i }) {
      const basis = (b) => `<span class="basis ${b === "EXPLICIT" ? "explicit" : "inferred"}">${b === "EXPLICIT" ? "Eksplicit" : "Udledt"}</span>`;
      const ftp = i.fullTimePersons == null ? "" :
        `<p>Fuldtidspersoner i berørte målgrupper: ${i.fullTimePersonsComplete ? "" : "mindst "}${numberDa(i.fullTimePersons)}</p>`;
      return `<h2>Berørte centre: ${esc(i.subject.name)}</h2>
        <ul>${i.centres.map((c) => `<li data-centre-code="${esc(c.centre.code)}">${esc(c.centre.code)}${c.centre.name !== c.centre.code ? ` – ${esc(c.centre.name)}` : ""} ${basis(c.basis)}</li>`).join("")}</ul>${ftp}`;
    }
  }

  class BudgetWidget extends Widget {
    static QUERY = `query OrggraphBudget { centres { code budget { display } fullTimePersons } }`;
    label() { return "Budget 2026 pr. center"; }
    render({ centres }) {
      return `<h2>${this.label()}</h2><table><caption class="sr">Budget og fuldtidspersoner pr. center</caption>
        <thead><tr><th scope="col">Center</th><th scope="col" class="num">Budget</th><th scope="col" class="num">Fuldtidspersoner</th></tr></thead><tbody>${centres.map((c) =>
        `<tr><th scope="row">${esc(c.code)}</th><td class="num">${esc(c.budget?.display ?? "–")}</td><td class="num">${c.fullTimePersons == null ? "–" : numberDa(c.fullTimePersons)}</td></tr>`).join("")}</tbody></table>`;
    }
  }

  const define = (name, cls) => { if (!customElements.get(name)) customElements.define(name, cls); };
  define("orggraph-centre-card", CentreCard);
  define("orggraph-reform-timeline", ReformTimeline);
  define("orggraph-impact", ImpactWidget);
  define("orggraph-budget", BudgetWidget);
})();
