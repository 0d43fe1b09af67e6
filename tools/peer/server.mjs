// The peer: a GraphQL server built the way the Neo4j GraphQL Library's
// documentation builds one (@neo4j/graphql + Apollo Server), over the Neo4j
// database that orggraph seeds, answering orggraph's load-test mix. It only
// reads. See README.md.
//
// Environment: NEO4J_URI (bolt://127.0.0.1:7687), NEO4J_USER (neo4j),
// NEO4J_PASSWORD, NEO4J_DATABASE (neo4j), PEER_ADDR (127.0.0.1), PEER_PORT (4000; 0 for any free port),
// PEER_TCP_NODELAY (1; 0 leaves Nagle's algorithm on, see below),
// PEER_WORKERS (one per core; 1 runs a single process, see below).

import cluster from 'node:cluster';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';

// graphql-js and Apollo Server read NODE_ENV when they load, so it is set
// before they are imported below (dynamically, for that reason).
process.env.NODE_ENV ??= 'production';

// The JavaScript driver writes a Bolt message in 1400-byte pieces and leaves
// Nagle's algorithm on, so a statement longer than that (the impact and
// dependencies ones) waits for the server's delayed ACK: about 40 ms a
// request on Linux. Turning on TCP_NODELAY for the sockets this process opens
// (only the driver's) removes the stall; the Go driver orggraph uses has it on
// by default. PEER_TCP_NODELAY=0 keeps the driver's own behaviour.
if (process.env.PEER_TCP_NODELAY !== '0') {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connectWithNoDelay(...args) {
    this.setNoDelay(true);
    return connect.apply(this, args);
  };
}

const { default: neo4j } = await import('neo4j-driver');
const { Neo4jGraphQL } = await import('@neo4j/graphql');
const { ApolloServer, HeaderMap } = await import('@apollo/server');
const { ApolloServerPluginLandingPageDisabled } = await import('@apollo/server/plugin/disabled');
const { resolvers } = await import('./resolvers.mjs');
const { loadTypeDefs } = await import('./typeDefs.mjs');

const config = {
  uri: process.env.NEO4J_URI || 'bolt://127.0.0.1:7687',
  user: process.env.NEO4J_USER || 'neo4j',
  password: process.env.NEO4J_PASSWORD ?? '',
  database: process.env.NEO4J_DATABASE || 'neo4j',
  host: process.env.PEER_ADDR || '127.0.0.1',
  port: Number(process.env.PEER_PORT || 4000),
};

// Requests larger than this are refused; the mix's are well under 1 KiB.
const maxBodyBytes = 1 << 20;

function fail(message) {
  process.stderr.write(`peer: ${message}\n`);
  process.exit(1);
}

if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
  fail(`PEER_PORT ${JSON.stringify(process.env.PEER_PORT)} is not a port number`);
}

// A Node.js process runs JavaScript on one core. Production Node servers run
// one process a core behind node:cluster, which shares the listening socket
// between them; so does the peer, unless PEER_WORKERS=1 asks for the single
// process. The primary prepares the database, starts the workers, and says
// it is listening once they all are; it serves nothing itself.
const workers = Number(process.env.PEER_WORKERS || os.availableParallelism());
if (!Number.isInteger(workers) || workers < 1) {
  fail(`PEER_WORKERS ${JSON.stringify(process.env.PEER_WORKERS)} is not a whole number of at least 1`);
}
const primary = workers > 1 && cluster.isPrimary;

const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
  // Fail fast at start when Neo4j is not there.
  connectionTimeout: 5000,
});
try {
  await driver.verifyConnectivity({ database: config.database });
} catch (err) {
  await driver.close().catch(() => {});
  fail(`cannot connect to Neo4j at ${config.uri} (database ${config.database}): ${err.message}`);
}

// The search field scores with Lucene, over a full-text index of its own on
// the folded text orggraph stores (orggraph itself searches through a text
// index). Created here, as a user of the library would, if it is missing;
// once, before any cluster worker starts.
if (!cluster.isWorker) try {
  for (const statement of [
    "CREATE FULLTEXT INDEX node_search IF NOT EXISTS FOR (n:Node) ON EACH [n.searchAll] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
    'CALL db.awaitIndexes(300)',
  ]) {
    await driver.executeQuery(statement, {}, { database: config.database });
  }
} catch (err) {
  await driver.close().catch(() => {});
  fail(`cannot create the search index: ${err.message}`);
}

if (primary) {
  await driver.close();
  runPrimary();
} else {
  await serve();
}

// runPrimary starts the workers, says the peer is listening once each is,
// and stops them on SIGTERM or SIGINT. A worker that dies stops the peer: a
// benchmark must not go on with fewer workers than it says.
function runPrimary() {
  let listening = 0;
  let stopping = false;
  cluster.on('listening', (worker, address) => {
    listening += 1;
    if (listening === workers) {
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      process.stdout.write(`peer: ${workers} workers\npeer: listening on http://${host}:${address.port}/graphql\n`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers).length === 0) process.exit(0);
      return;
    }
    stopping = true;
    for (const w of Object.values(cluster.workers)) w.kill();
    fail(`worker ${worker.process.pid} stopped (${signal ?? code})`);
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers)) w.kill();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < workers; i += 1) cluster.fork();
}

// serve runs one server process: the only one, or a cluster worker.
async function serve() {
  const typeDefs = await loadTypeDefs();
  const schema = await new Neo4jGraphQL({ typeDefs, driver, resolvers }).getSchema();

  const apollo = new ApolloServer({
    schema,
    nodeEnv: 'production',
    includeStacktraceInErrorResponses: false,
    // This file stops the server itself (below), exiting 0.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  // The library runs every generated statement in this database.
  const context = async () => ({ sessionConfig: { database: config.database } });

  function send(res, status, message) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message }] }));
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      req.on('data', (chunk) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          reject(Object.assign(new Error('request body too large'), { status: 413 }));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  // A plain node:http handler in front of Apollo's executeHTTPGraphQLRequest,
  // the integration point Apollo documents for servers of one's own.
  async function handle(req, res) {
    const url = new URL(req.url, 'http://peer');
    if (url.pathname !== '/graphql') {
      send(res, 404, 'not found: the GraphQL endpoint is /graphql');
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body = await readBody(req);
    if ((headers.get('content-type') ?? '').startsWith('application/json') && body !== '') {
      try {
        body = JSON.parse(body);
      } catch {
        send(res, 400, 'request body is not valid JSON');
        return;
      }
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: url.search, body },
      context,
    });
    for (const [name, value] of result.headers) res.setHeader(name, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      send(res, err.status ?? 500, err.status ? err.message : 'internal server error');
    });
  });

  server.on('error', (err) => {
    driver.close().finally(() => fail(`cannot listen on ${config.host}:${config.port}: ${err.message}`));
  });

  server.listen(config.port, config.host, () => {
    // A worker leaves the saying to the primary (runPrimary).
    if (cluster.isWorker) return;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    // The port actually bound: PEER_PORT=0 asks the system for a free one.
    process.stdout.write(`peer: listening on http://${host}:${server.address().port}/graphql\n`);
  });

  let stopping = false;
  async function stop() {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    await apollo.stop().catch(() => {});
    await driver.close().catch(() => {});
    process.exit(0);
  }
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
