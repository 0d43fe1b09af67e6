package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/bif-kk/orggraph/internal/synthseed"
)

func synth(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("orggraph-load synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	src := fs.String("seed-dir", "seed", "the real seed to copy")
	out := fs.String("out", "", "the directory to write the synthetic seed to")
	scale := fs.Int("scale", 10, "municipalities' worth of the seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("synth: --out is required")
	}
	if err := synthseed.Write(*src, *out, *scale); err != nil {
		return err
	}
	_, err := fmt.Fprintf(stdout, "wrote %d× the seed in %s to %s\n", *scale, *src, *out)
	return err
}
