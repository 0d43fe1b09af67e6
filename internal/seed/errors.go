package seed

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bif-kk/orggraph/internal/domain"
)

// Problem is one thing wrong with the seed data, located in its file.
type Problem struct {
	File string
	Line int
	Key  string // the offending id, link or field
	Msg  string
}

func (p Problem) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Key, p.Msg)
}

// Error lists every problem found, in file and line order. It wraps
// domain.ErrInvalidInput.
type Error struct {
	Problems []Problem
}

// maxShown bounds the message; the Problems slice keeps them all.
const maxShown = 20

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid seed data (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for i, p := range e.Problems {
		if i == maxShown {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-maxShown)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return domain.ErrInvalidInput }

// problems collects Problems as a load goes along.
type problems []Problem

func (ps *problems) add(file string, line int, key, format string, args ...any) {
	*ps = append(*ps, Problem{File: file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	sorted := slices.Clone(ps)
	slices.SortStableFunc(sorted, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return &Error{Problems: sorted}
}

// IsSeedError reports whether err is a seed validation error.
func IsSeedError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
