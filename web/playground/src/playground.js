// The playground at /: GraphiQL with the explorer plugin, talking to the
// endpoint the page names (data-endpoint). Everything it needs is in this
// bundle and playground.css; it loads nothing from elsewhere.
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { buildSchema } from "graphql";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { explorerPlugin } from "@graphiql/plugin-explorer";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";

const root = document.getElementById("graphiql");
const fetcher = createGraphiQLFetcher({ url: root.dataset.endpoint });
const plugins = [explorerPlugin()];

// The schema comes from the SDL the server publishes (data-schema), so the
// docs, completion and the explorer work with introspection off too. Where
// that cannot be read (reads need a token, say), GraphiQL introspects as
// usual, with the headers given in its Headers tab.
async function publishedSchema() {
  try {
    const resp = await fetch(root.dataset.schema, { headers: { Accept: "text/plain" } });
    return resp.ok ? buildSchema(await resp.text()) : undefined;
  } catch {
    return undefined;
  }
}

publishedSchema().then((schema) => {
  createRoot(root).render(
    createElement(GraphiQL, { fetcher, plugins, schema, defaultEditorToolsVisibility: true }),
  );
});
