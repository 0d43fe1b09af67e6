// Drives Apollo Client (InMemoryCache, HttpLink) against an orggraph
// server, as a page would, and prints what it got as one JSON object for
// internal/clientstest to judge:
//
//   node apollo.mjs http://127.0.0.1:PORT/graphql
//
// cache: the plain centre, then the dated one, from the network; then both
// again from the cache alone (cache-only), which must keep them apart: with
// one id for both, the plain query read the dated view's 3 target groups.
// defer: a query with a deferred fragment, each result Apollo emits as its
// parts arrive over multipart/mixed.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Defer20220824Handler } from "@apollo/client/incremental";

const uri = process.argv[2];
if (!uri) {
  console.error("usage: node apollo.mjs GRAPHQL_URL");
  process.exit(2);
}

const client = () => new ApolloClient({
  link: new HttpLink({ uri }),
  cache: new InMemoryCache(),
  incrementalHandler: new Defer20220824Handler(),
});

const DATED = gql`query DatedCentre { centre(code: "CBA", asOf: "2026-03-01") { id targetGroups { id } } }`;
const PLAIN = gql`query PlainCentre { centre(code: "CBA") { id targetGroups { id } } }`;
const VIEW = gql`query DatedView($id: ID!) { node(id: $id) { id ... on Centre { targetGroups { id } } } }`;

const ids = (r) => r.data.centre.targetGroups.map((g) => g.id);

async function cache() {
  const c = client();
  const plain = await c.query({ query: PLAIN, fetchPolicy: "network-only" });
  const dated = await c.query({ query: DATED, fetchPolicy: "network-only" });
  const plainCached = await c.query({ query: PLAIN, fetchPolicy: "cache-only" });
  const datedCached = await c.query({ query: DATED, fetchPolicy: "cache-only" });
  const view = await c.query({ query: VIEW, variables: { id: dated.data.centre.id }, fetchPolicy: "network-only" });
  return {
    datedID: dated.data.centre.id,
    plainID: plain.data.centre.id,
    dated: ids(dated),
    plain: ids(plain),
    datedCached: ids(datedCached),
    plainCached: ids(plainCached),
    view: view.data.node.targetGroups.map((g) => g.id),
    cacheKeys: Object.keys(c.cache.extract()).filter((k) => k.startsWith("Centre:")).sort(),
  };
}

const DEFERRED = gql`query DeferredLists {
  centre(code: "CBA") {
    code
    ... @defer(label: "lists") { targetGroups { id } }
  }
}`;

async function deferred() {
  const c = client();
  const emitted = [];
  await new Promise((resolve, reject) => {
    const sub = c.watchQuery({ query: DEFERRED, fetchPolicy: "network-only" }).subscribe({
      next: (r) => {
        emitted.push({ dataState: r.dataState, data: r.data, error: r.error?.message ?? null });
        if (r.dataState === "complete" || r.error) {
          sub.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
    setTimeout(() => reject(new Error(`no complete result within 10 s; got ${JSON.stringify(emitted)}`)), 10_000).unref();
  });
  return { emitted };
}

try {
  console.log(JSON.stringify({ cache: await cache(), defer: await deferred() }));
} catch (e) {
  console.error(e?.stack ?? String(e));
  process.exit(1);
}
