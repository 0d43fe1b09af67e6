// Package livetest drives orggraph's subscriptions with the clients a page
// or an app uses: graphql-ws over a WebSocket and a browser's EventSource
// (tools/live-client, from npm), against one instance on the embedded store
// and against two instances on one Neo4j, written on one and heard on the
// other. Without Node.js or the clients' packages it fails rather than
// skips; `make test` installs both.
package livetest
