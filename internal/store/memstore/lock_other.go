//go:build !unix

package memstore

import (
	"fmt"
	"os"
)

// lockFolder refuses: without a lock two servers could share a data folder
// and lose each other's writes.
func lockFolder(dir string) (*os.File, error) {
	return nil, fmt.Errorf("memstore: %s: this system has no folder lock orggraph uses (flock), so the embedded store keeps no writes here", dir)
}
