package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/99designs/gqlgen/graphql"
)

// TrustedDocuments are operations the server knows from its start, by the
// SHA-256 of their text as automatic persisted queries name them: the first
// GET of one by its hash alone is answered, never PERSISTED_QUERY_NOT_FOUND,
// and no client's LRU traffic can push it out. The intranet widgets' queries
// are trusted documents (web.WidgetOperations), so a widget makes one request
// on its first visit too.
type TrustedDocuments struct{ byHash map[string]string }

// NewTrustedDocuments trusts each of docs.
func NewTrustedDocuments(docs ...string) *TrustedDocuments {
	td := &TrustedDocuments{byHash: make(map[string]string, len(docs))}
	for _, d := range docs {
		sum := sha256.Sum256([]byte(d))
		td.byHash[hex.EncodeToString(sum[:])] = d
	}
	return td
}

// Len is how many documents are trusted.
func (td *TrustedDocuments) Len() int {
	if td == nil {
		return 0
	}
	return len(td.byHash)
}

// persistedQueries is the APQ cache: the trusted documents first, then what
// clients registered, in an LRU.
type persistedQueries struct {
	trusted *TrustedDocuments
	learned graphql.Cache[string]
}

func (p persistedQueries) Get(ctx context.Context, hash string) (string, bool) {
	if p.trusted != nil {
		if d, ok := p.trusted.byHash[hash]; ok {
			return d, true
		}
	}
	return p.learned.Get(ctx, hash)
}

func (p persistedQueries) Add(ctx context.Context, hash, doc string) {
	if p.trusted != nil {
		if _, ok := p.trusted.byHash[hash]; ok {
			return
		}
	}
	p.learned.Add(ctx, hash, doc)
}
