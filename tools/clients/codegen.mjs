// Runs GraphQL Code Generator (typescript and typescript-operations) over
// an orggraph server's /schema.graphql and every GraphQL block of a README,
// as a developer would, and prints one JSON object for internal/clientstest
// to judge: the operations it read, and the types it generated.
//
//   node codegen.mjs http://127.0.0.1:PORT/schema.graphql ../../README.md OUT_DIR
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "@graphql-codegen/cli";

const [schema, readme, out] = process.argv.slice(2);
if (!schema || !readme || !out) {
  console.error("usage: node codegen.mjs SCHEMA_URL README OUT_DIR");
  process.exit(2);
}

// Each block as it stands, in a file of its own, as one keeps operations.
const blocks = [...readFileSync(readme, "utf8").matchAll(/```graphql\n([\s\S]*?)\n```/g)].map((m) => m[1]);
const docs = join(out, "operations");
mkdirSync(docs, { recursive: true });
blocks.forEach((b, i) => writeFileSync(join(docs, `readme-${String(i + 1).padStart(2, "0")}.graphql`), b + "\n"));

const types = join(out, "types.ts");
try {
  await generate({
    schema,
    documents: join(docs, "*.graphql"),
    silent: true,
    generates: { [types]: { plugins: ["typescript", "typescript-operations"] } },
  }, true);
} catch (e) {
  console.error(e?.errors ? e.errors.map((x) => x.message ?? String(x)).join("\n") : e?.stack ?? String(e));
  process.exit(1);
}
const ts = readFileSync(types, "utf8");
console.log(JSON.stringify({
  blocks: blocks.length,
  exported: [...ts.matchAll(/^export type (\w+)/gm)].map((m) => m[1]),
}));
