//go:build unix

package memstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockFolder takes an exclusive flock on dir's lock file, without waiting.
// The kernel lets it go when the process ends, however it ends.
func lockFolder(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("memstore: data folder lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("memstore: %w: %s is locked (%s); stop that server, or give this one another --data-dir", ErrDataDirLocked, dir, path)
		}
		return nil, fmt.Errorf("memstore: data folder lock %s: %w", path, err)
	}
	return f, nil
}
