// Command orggraph-load measures an orggraph endpoint under load, and makes
// synthetic organisations to measure it at scale.
//
//	orggraph-load [run] --url http://127.0.0.1:8080/graphql --concurrency 16 --duration 20s --warmup 5s
//	orggraph-load [run] --url … --rate 500 --duration 20s
//	orggraph-load [run] --url … --get --weights widget=100,impact=0,dependencies=0,search=0,deep=0
//	orggraph-load [run] --url … --asset /widgets/v1/orggraph-widgets.js
//	orggraph-load synth --scale 10 --out /tmp/seed-10x
//	orggraph-load live --url … --subscribers 10000 --writes 20 --token … --server-pid …
//	orggraph-load overpriced --url …
//	orggraph-load compare --url http://127.0.0.1:8080/graphql --peer-url http://127.0.0.1:4000/graphql --peer-mix tools/peer/mix.json
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "orggraph-load: %s\n", err)
		os.Exit(1)
	}
}
