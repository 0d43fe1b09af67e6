package neo4jstore

import "context"

// Bookmarks returns what the driver's bookmark manager holds, for tests of
// read-your-writes.
func Bookmarks(ctx context.Context, s *Store) ([]string, error) {
	return s.driver.ExecuteQueryBookmarkManager().GetBookmarks(ctx)
}
