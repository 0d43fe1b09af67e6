package search

import "strings"

// CodeKey is how a code typed plainly compares: folded, loosened and
// without spaces, so "CDO", "cdoe" and "CDØ" share one key.
func CodeKey(code string) string {
	return strings.ReplaceAll(Loose(Fold(code)), " ", "")
}

// FindCode returns the index in codes of the one that code means: the one
// equal to it ignoring case, else the only one with its CodeKey; -1 when
// there is none, or more than one to choose from. Every code lookup goes
// through it, so both stores and the filters read a code alike.
func FindCode(codes []string, code string) int {
	for i, c := range codes {
		if strings.ToLower(c) == strings.ToLower(code) {
			return i
		}
	}
	key, found := CodeKey(code), -1
	if key == "" {
		return -1
	}
	for i, c := range codes {
		if CodeKey(c) == key {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}
