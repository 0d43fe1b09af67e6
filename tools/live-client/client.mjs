// A subscription client for orggraph's live tests: it subscribes to one
// operation and prints each event as a line of JSON on stdout, until it has
// printed count events (0: until the stream ends).
//
//   node client.mjs ws  http://127.0.0.1:8080/graphql 'subscription { graphChanged { seq } }' [count]
//   node client.mjs sse http://127.0.0.1:8080/graphql 'subscription { graphChanged { seq } }' [count] [lastEventId]
//
// ws speaks graphql-transport-ws through graphql-ws; sse is a browser's
// EventSource (the eventsource package), a GET with the query in the URL.
// With LIVE_TOKEN set, ws sends it as connectionParams' Authorization and
// sse as the Authorization header, each as "Bearer " and the token.
// With LIVE_ORIGIN set, ws sends it as the upgrade's Origin, as a browser
// on that page would.
// Each line is {"id": …, "payload": …}, {"error": …} (with "code", a
// WebSocket's close code, when it closed) or {"complete": true}.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { EventSource } from 'eventsource';

const [mode, url, query, countArg, lastEventId] = process.argv.slice(2);
const count = Number(countArg || 0);
const token = process.env.LIVE_TOKEN;
const authorization = token ? { Authorization: 'Bearer ' + token } : {};
let seen = 0;

function print(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

function counted(done) {
  seen++;
  if (count > 0 && seen >= count) {
    done();
  }
}

if (mode === 'ws') {
  const origin = process.env.LIVE_ORIGIN;
  class FromOrigin extends WebSocket {
    constructor(address, protocols) {
      super(address, protocols, origin ? { origin } : {});
    }
  }
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: FromOrigin,
    retryAttempts: 0,
    lazy: false,
    connectionParams: authorization,
  });
  const stop = () => client.dispose().then(() => process.exit(0));
  client.subscribe({ query }, {
    next: (payload) => { print({ payload }); counted(stop); },
    error: (error) => {
      print({ error: String(error?.message ?? error?.reason ?? JSON.stringify(error)), ...(error?.code ? { code: error.code } : {}) });
      stop();
    },
    complete: () => { print({ complete: true }); stop(); },
  });
} else if (mode === 'sse') {
  const target = url + '?query=' + encodeURIComponent(query);
  const es = new EventSource(target, {
    fetch: (input, init) => fetch(input, {
      ...init,
      headers: { ...init.headers, ...authorization, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
    }),
  });
  const stop = () => { es.close(); process.exit(0); };
  es.addEventListener('next', (ev) => { print({ id: ev.lastEventId, payload: JSON.parse(ev.data) }); counted(stop); });
  es.addEventListener('complete', () => { print({ complete: true }); stop(); });
  es.onerror = (ev) => { print({ error: String(ev.message ?? 'the event stream failed') }); stop(); };
} else {
  console.error('usage: node client.mjs ws|sse URL QUERY [COUNT] [LAST_EVENT_ID]');
  process.exit(2);
}
