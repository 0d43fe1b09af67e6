package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
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
		writeAnswer(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("%s: %v", prefixUnreadable, err)}))
		return
	}
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeAnswer(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("%s %v%s%s", prefixUndecodable, err, bodySep, body)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		w.WriteHeader(refusedStatus(errs, graphQLResponse))
		writeAnswer(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	answers, ctx := exec.DispatchOperation(ctx, oc)
	writeAnswer(w, answers(ctx))
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

// ownedWriter is a writer that can hold a slice handed over to it instead
// of copying it: internal/httpserver's held answers (its timeout holds
// every answer until the handler is done, a copy of 12 MB for the deep
// listing at 1000× the seed).
type ownedWriter interface {
	WriteOwned(p []byte) (int, error)
}

// writeOwned writes p, which the caller hands over and never changes
// again: held as it is by an ownedWriter, copied by any other.
func writeOwned(w io.Writer, p []byte) (int, error) {
	if o, ok := w.(ownedWriter); ok {
		return o.WriteOwned(p)
	}
	return w.Write(p)
}

// writeAnswer writes resp as encoding/json marshals a graphql.Response:
// errors, data, then the rest, each left out when empty but data; and
// resp.Data as the executor wrote it.
func writeAnswer(w io.Writer, resp *graphql.Response) {
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
		_, _ = writeOwned(w, data)
		head = head[:0]
	}
	if len(rest) > 0 {
		head = append(head, ',')
		head = append(head, rest...)
	}
	head = append(head, '}')
	_, _ = w.Write(head)
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
