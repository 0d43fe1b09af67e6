// The peer's type definitions: typeDefs.graphql, where each type that
// implements GraphNode lists only its own fields, with the interface's
// fields (id, name, description, order, version) put first in each such
// type, as GraphQL requires an implementing type to declare them. The
// library gets the same types as if each were written out in full.

import { readFile } from 'node:fs/promises';
import { Kind, parse } from 'graphql';

export async function loadTypeDefs() {
  const doc = parse(await readFile(new URL('./typeDefs.graphql', import.meta.url), 'utf8'));
  const graphNode = doc.definitions.find(
    (d) => d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === 'GraphNode',
  );
  // The interface's descriptions stay on the interface.
  const common = graphNode.fields.map(({ description, ...field }) => field);
  const implementsGraphNode = (d) =>
    d.kind === Kind.OBJECT_TYPE_DEFINITION && d.interfaces.some((i) => i.name.value === 'GraphNode');
  return {
    ...doc,
    definitions: doc.definitions.map((d) =>
      implementsGraphNode(d) ? { ...d, fields: [...common, ...d.fields] } : d,
    ),
  };
}
