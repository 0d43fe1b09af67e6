// The playground at /: GraphiQL with the explorer plugin, talking to the
// endpoint named by the page (data-endpoint, "/graphql"). Everything it needs
// is in this bundle and playground.css; it loads nothing from elsewhere.
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { explorerPlugin } from "@graphiql/plugin-explorer";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";

const root = document.getElementById("graphiql");
// POST for everything: the endpoint answers queries over GET too, but refuses
// mutations there, and the query editor may hold either.
const fetcher = createGraphiQLFetcher({ url: root.dataset.endpoint });
const plugins = [explorerPlugin()];

createRoot(root).render(
  createElement(GraphiQL, { fetcher, plugins, defaultEditorToolsVisibility: true }),
);
