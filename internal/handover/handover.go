// Package handover lets a writer take a slice handed over to it instead of
// copying it. internal/httpserver holds every answer until its handler is
// done (its timeout, its answer cache); graph hands it the deep listing's
// answer, 12 MB at a thousand times the seed, which a copy would double.
//
// The caller hands p over and never changes it again. release, when not
// nil, gives p back to its owner for another answer: the writer calls it
// once it has sent p and keeps it nowhere, never (an answer kept for
// later), and never sooner.
package handover

import "io"

// Writer is a writer that can hold a slice handed over to it.
type Writer interface {
	WriteOwned(p []byte, release func()) (int, error)
}

// Write hands p to w when w can hold it, and otherwise copies it (Copy).
func Write(w io.Writer, p []byte, release func()) (int, error) {
	if o, ok := w.(Writer); ok {
		return o.WriteOwned(p, release)
	}
	return Copy(w, p, release)
}

// Copy writes p with w's Write, which holds no slice it is given
// (io.Writer), and so calls release at once.
func Copy(w io.Writer, p []byte, release func()) (int, error) {
	n, err := w.Write(p)
	if release != nil {
		release()
	}
	return n, err
}
