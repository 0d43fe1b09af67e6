package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/handover"
)

// postJSON serves POST application/json as gqlgen's transport.POST does,
// and differs in one step: the answer's writing. transport.POST marshals
// the whole response with encoding/json, which checks and compacts the
// data once more, though the executor (or the direct path) wrote it as
// compact JSON already: a third of the deep listing's time at 100× the
// seed. writeAnswer writes that data as it is.
//
// What it answers otherwise is transport.POST's: the same content type for
// each Accept, the same status for a request refused before it runs, and
// the same error for a body it cannot read or decode, which the error
// presenter words for the client (requestMessage).
type postJSON struct{ transport.POST }

var _ graphql.Transport = postJSON{}

func (postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	graphQLResponse := answerType(r.Header.Get("Accept")) == graphQLResponseType
	if graphQLResponse {
		w.Header().Set("Content-Type", graphQLResponseType)
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeAnswer(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("%s: %v", prefixUnreadable, err)}), nil)
		return
	}
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeAnswer(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("%s %v%s%s", prefixUndecodable, err, bodySep, body)}), nil)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		w.WriteHeader(refusedStatus(errs, graphQLResponse))
		writeAnswer(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs), nil)
		return
	}
	ctx, lease := withAnswerLease(ctx)
	answers, ctx := exec.DispatchOperation(ctx, oc)
	resp := answers(ctx)
	writeAnswer(w, resp, lease.releaseFor(resp.Data))
}

// answerType is the media type of the answer to a request that accepts
// accept, as transport.POST chooses it: the first of application/json and
// application/graphql-response+json named, application/json for any or
// none, and application/graphql-response+json when neither is acceptable.
func answerType(accept string) string {
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case graphQLResponseType:
			return graphQLResponseType
		}
	}
	return graphQLResponseType
}

// refusedStatus is transport.POST's status for an operation refused before
// it runs: a 4xx for a request the client must change (the kinds
// registerErrorKinds registers), which overHTTP then gives the status
// GraphQL over HTTP asks for; 200 otherwise.
func refusedStatus(errs gqlerror.List, graphQLResponse bool) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if graphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// An answerLease lends one request's direct-path answer a buffer from
// answerBuffers, and takes it back once the answer has gone out
// (releaseFor). A deep listing's answer, 12 MB at 1000× the seed, was more
// than half of what the server allocated under the load mix, and so set
// how often the collector ran: its buffer is now used again. Only postJSON
// makes a lease, because it alone writes the answer through handover.Write;
// an answer made without one has a buffer of its own, left to the
// collector.
type answerLease struct {
	data []byte // the answer written into the lent buffer, if any
}

var answerLeaseKey = &contextKey{"answer lease"}

// answerBuffers holds the buffers answers were written into, empty.
var answerBuffers sync.Pool // of *[]byte

func withAnswerLease(ctx context.Context) (context.Context, *answerLease) {
	l := &answerLease{}
	return context.WithValue(ctx, answerLeaseKey, l), l
}

// answerRoom is an empty buffer of at least n bytes for ctx's answer: a
// lent one when ctx carries a lease and the pool has one that large.
func answerRoom(ctx context.Context, n int) []byte {
	if _, leased := ctx.Value(answerLeaseKey).(*answerLease); leased {
		if b, ok := answerBuffers.Get().(*[]byte); ok {
			if cap(*b) >= n {
				return (*b)[:0]
			}
			answerBuffers.Put(b)
		}
	}
	return make([]byte, 0, n)
}

// holdAnswer records that data, written into answerRoom's buffer, is ctx's
// answer, for the lease to take back.
func holdAnswer(ctx context.Context, data []byte) {
	if l, ok := ctx.Value(answerLeaseKey).(*answerLease); ok {
		l.data = data
	}
}

// releaseFor is the release of data when data is the answer the lease's
// buffer holds, as it went into the response; nil otherwise (an answer
// gqlgen wrote, or one an interceptor replaced).
func (l *answerLease) releaseFor(data []byte) func() {
	held := l.data
	if len(held) == 0 || len(data) != len(held) || &data[0] != &held[0] {
		return nil
	}
	return func() {
		b := held[:0]
		answerBuffers.Put(&b)
	}
}

// writeAnswer writes resp as encoding/json marshals a graphql.Response:
// errors, data, then the rest, each left out when empty but data; and
// resp.Data as the executor wrote it. release, if not nil, gives resp.Data's
// buffer back once it is written (handover.Write).
func writeAnswer(w io.Writer, resp *graphql.Response, release func()) {
	var errs []byte
	if len(resp.Errors) > 0 {
		var err error
		if errs, err = json.Marshal(resp.Errors); err != nil {
			errs, _ = json.Marshal(gqlerror.List{{Message: "internal error", Extensions: apierr.Extensions(apierr.Internal)}})
		}
	}
	data := []byte(resp.Data)
	if len(data) == 0 {
		data = []byte("null")
	}
	rest, err := json.Marshal(answerRest{resp.Label, resp.Path, resp.HasNext, resp.Extensions})
	if err != nil {
		rest = []byte("{}")
	}
	rest = rest[1 : len(rest)-1] // its members, without the braces
	// A large answer goes out in three writes rather than be copied once
	// more; a small one in one.
	head := make([]byte, 0, len(errs)+len(rest)+24+min(len(data), bigAnswer))
	head = append(head, '{')
	if errs != nil {
		head = append(head, `"errors":`...)
		head = append(head, errs...)
		head = append(head, ',')
	}
	head = append(head, `"data":`...)
	if len(data) < bigAnswer {
		head = append(head, data...)
	} else {
		_, _ = w.Write(head)
		_, _ = handover.Write(w, data, release)
		release = nil
		head = head[:0]
	}
	if len(rest) > 0 {
		head = append(head, ',')
		head = append(head, rest...)
	}
	head = append(head, '}')
	_, _ = w.Write(head)
	if release != nil { // data went out inside head, a copy
		release()
	}
}

// bigAnswer is the size from which writeAnswer writes an answer's data
// apart.
const bigAnswer = 32 << 10

// answerRest is what a graphql.Response carries after its data.
type answerRest struct {
	Label      string         `json:"label,omitempty"`
	Path       ast.Path       `json:"path,omitempty"`
	HasNext    *bool          `json:"hasNext,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}
