package memstore

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/bif-kk/orggraph/internal/domain"
)

// The journal is how the embedded store's writes outlive the process: one
// JSON line a write, each appended and synced before the write is
// acknowledged, replayed over the seed at the next start. A line holds the
// whole domain.AuditEntry and domain.Write, so a field added to either is
// kept without a change here.
//
// A crash can only tear the last line: every earlier one was synced before
// the next was written. At the start a last line that is not whole (no
// newline, or not a journal line) is such a tear: it is moved to a side
// file, cut from the journal and logged as a warning, and the store starts.
// Damage followed by whole lines is no tear, and stops the start.
//
// While a store has the folder open it holds an exclusive lock on the lock
// file in it, so a second server on the same folder stops at its start.
const (
	journalName = "journal.jsonl"
	lockName    = "orggraph.lock"
)

// ErrDataDirLocked says another process has the data folder open.
var ErrDataDirLocked = errors.New("the data folder is in use by another orggraph server")

// journalLine is one write as kept on disk: a baseline write, or, with
// Scenario, a scenario write (scenario.go).
type journalLine struct {
	Entry    domain.AuditEntry     `json:"entry"`
	Write    domain.Write          `json:"write"`
	Scenario *domain.ScenarioWrite `json:"scenario,omitempty"`
}

type journal struct {
	f      *os.File
	lock   *os.File
	size   int64 // bytes of whole lines: where the next one goes
	broken error // a failed append that could not be undone: no more appends
}

// Option sets how Open opens a store.
type Option func(*options)

type options struct {
	log    *slog.Logger
	reseed domain.ReseedOptions
}

// WithLogger sets where Open reports what it repaired (a torn last write).
// Without it, slog's default logger is used.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

// WithReseed sets how Open re-seeds from its graph after replaying the
// journal; without it, Open prunes what the graph no longer holds and keeps
// planners' edits (Overwrite writes the graph's facts over them).
func WithReseed(r domain.ReseedOptions) Option {
	return func(o *options) { o.reseed = r }
}

// openJournal locks dir, reads the journal in it, calls replay for each
// whole line in order, and returns the journal ready for appending.
func openJournal(dir string, log *slog.Logger, replay func(journalLine) error) (j *journal, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("memstore: data folder: %w", err)
	}
	lock, err := lockFolder(dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			lock.Close()
		}
	}()
	path := filepath.Join(dir, journalName)
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("memstore: journal: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	if errors.Is(statErr, os.ErrNotExist) {
		// The new file's name must survive a crash as its lines do.
		if err := syncDir(dir); err != nil {
			return nil, fmt.Errorf("memstore: journal: %w", err)
		}
	}
	size, err := readJournal(f, path, log, replay)
	if err != nil {
		return nil, err
	}
	return &journal{f: f, lock: lock, size: size}, nil
}

// readJournal replays f's whole lines and returns their length, after
// cutting off a torn last line.
func readJournal(f *os.File, path string, log *slog.Logger, replay func(journalLine) error) (int64, error) {
	r := bufio.NewReaderSize(f, 1<<16)
	var size int64
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n') // no limit on a line's length
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("memstore: journal %s: %w", path, err)
		}
		if len(line) == 0 {
			return size, nil
		}
		var jl journalLine
		if err != nil || json.Unmarshal(line, &jl) != nil {
			rest, rerr := io.ReadAll(r)
			if rerr != nil {
				return 0, fmt.Errorf("memstore: journal %s: %w", path, rerr)
			}
			if wholeLineIn(rest) {
				return 0, fmt.Errorf("memstore: journal %s:%d is damaged and writes follow it; it is not what a crash leaves, so it is left for a person to look at", path, n)
			}
			return size, cutTornTail(f, path, size, append(line, rest...), n, log)
		}
		if err := replay(jl); err != nil {
			return 0, fmt.Errorf("memstore: journal %s:%d does not replay over the seed: %w", path, n, err)
		}
		size += int64(len(line))
	}
}

// wholeLineIn says whether b holds a journal line with its newline.
func wholeLineIn(b []byte) bool {
	for line := range bytes.Lines(b) {
		var jl journalLine
		if bytes.HasSuffix(line, []byte("\n")) && json.Unmarshal(line, &jl) == nil {
			return true
		}
	}
	return false
}

// cutTornTail keeps the torn bytes in a side file, for a person to look at,
// and cuts them from the journal, so the next write starts a fresh line.
func cutTornTail(f *os.File, path string, size int64, torn []byte, line int, log *slog.Logger) error {
	side := fmt.Sprintf("%s.torn-%s", path, time.Now().UTC().Format("20060102T150405.000000000Z"))
	if err := os.WriteFile(side, torn, 0o640); err != nil {
		return fmt.Errorf("memstore: journal %s: keeping its torn last write: %w", path, err)
	}
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("memstore: journal %s: cutting its torn last write: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("memstore: journal %s: %w", path, err)
	}
	log.Warn("the journal's last write was torn, as a crash while writing it leaves it; that write was never acknowledged and is dropped",
		"journal", path, "line", line, "bytes", len(torn), "kept_in", side)
	return nil
}

// append writes lines, one a write, and syncs them once. Nothing is
// acknowledged before it returns nil; after an error the journal is as it
// was.
func (j *journal) append(lines ...journalLine) error {
	if j.broken != nil {
		return fmt.Errorf("memstore: journal: %w: an earlier failed write could not be undone (%w); restart the server", domain.ErrUnavailable, j.broken)
	}
	var buf []byte
	for _, l := range lines {
		b, err := json.Marshal(l)
		if err != nil {
			return fmt.Errorf("memstore: journal: %w: %w", domain.ErrUnavailable, err)
		}
		buf = append(append(buf, b...), '\n')
	}
	_, err := j.f.WriteAt(buf, j.size)
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		// Cut what part of the lines reached the file, so the next write
		// does not follow a torn line; if that fails too, write no more.
		if terr := j.f.Truncate(j.size); terr != nil {
			j.broken = terr
		} else if serr := j.f.Sync(); serr != nil {
			j.broken = serr
		}
		return fmt.Errorf("memstore: journal: %w: %w", domain.ErrUnavailable, err)
	}
	j.size += int64(len(buf))
	return nil
}

// close closes the journal and lets the folder go.
func (j *journal) close() error {
	return errors.Join(j.f.Close(), j.lock.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
