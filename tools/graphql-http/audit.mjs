// Runs graphql-http's server audits (GraphQL over HTTP) against the
// orggraph at the URL given as the first argument, and prints one JSON
// line an audit: {id, name, status, reason?}. internal/httpserver's
// TestGraphQLOverHTTPAudits runs it and fails on each audit not "ok".
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const results = await auditServer({ url });
for (const r of results) {
  const line = { id: r.id, name: r.name, status: r.status };
  if (r.status !== 'ok') {
    line.reason = r.reason;
    const res = r.response;
    line.http = res.status + ' ' + (res.headers.get('content-type') ?? '');
    try {
      line.body = (await res.text()).slice(0, 300);
    } catch {
      // the audit read the body already
    }
  }
  console.log(JSON.stringify(line));
}
