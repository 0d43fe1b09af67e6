// Command orggraph serves BIF's organisational knowledge graph over GraphQL.
//
//	orggraph serve [--addr :8080] [--store memory] [--seed-dir seed]
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "orggraph: %s\n", err)
		os.Exit(1)
	}
}
