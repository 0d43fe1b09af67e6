// Package seed reads the organisation from seed/'s YAML files, validates it
// whole and turns it into a domain.Graph that any store can load. Nothing
// half-valid gets through: every problem is reported with its file, line and
// offending key, and one problem refuses the whole set.
package seed
