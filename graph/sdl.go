package graph

import (
	"bytes"
	"sync"

	"github.com/vektah/gqlparser/v2/formatter"
)

// SDL is the schema the endpoint executes, written as GraphQL SDL with its
// descriptions and directives (built-ins left out, as the spec's printers
// do). It does not depend on the introspection switch: /schema.graphql
// serves it to code generators when introspection is off.
var SDL = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatSchema(NewExecutableSchema(Config{}).Schema())
	return b.Bytes()
})
