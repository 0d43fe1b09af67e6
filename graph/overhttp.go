package graph

import (
	"bufio"
	"context"
	"encoding/json"
	"mime"
	"net"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/gqlext"
	"github.com/bif-kk/orggraph/internal/handover"
)

// GraphQL over HTTP (graphql.github.io/graphql-over-http) asks a few
// things of a request refused before its operation runs that gqlgen's
// transports answer otherwise: such an answer has no "data" entry
// (gqlgen writes "data": null); a client that accepts application/json
// reads 200 for a document that does not parse or validate (gqlgen sends
// 422); a mutation over GET is 405 with Allow (gqlgen: 422, or 406). And
// HEAD is GET without the body (gqlgen: 405). This file makes the
// endpoint answer so, whatever transport serves the request.

const graphQLResponseType = "application/graphql-response+json"

// overHTTP runs next, gqlgen's server, as GraphQL over HTTP has it.
func overHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			// net/http sends no body for HEAD, whatever is written.
			r = r.Clone(r.Context())
			r.Method = http.MethodGet
		}
		rw := &refusalWriter{ResponseWriter: w}
		next.ServeHTTP(rw, r)
		rw.finish()
	})
}

// refusalWriter passes an answer through untouched, unless the transport
// sends a 4xx: that is a request refused before it ran (gqlgen sends its
// codes' kinds so, registerErrorKinds), whose one JSON write it holds and
// sends again with the status and shape GraphQL over HTTP asks for.
type refusalWriter struct {
	http.ResponseWriter
	held     int // the transport's status, while held
	wrote    bool
	rewrote  bool
	heldBody []byte
}

func (w *refusalWriter) WriteHeader(status int) {
	if w.wrote || w.held != 0 {
		return
	}
	if status >= 400 && status < 500 {
		w.held = status
		return
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *refusalWriter) Write(p []byte) (int, error) {
	if w.held == 0 {
		w.wrote = true
		return w.ResponseWriter.Write(p)
	}
	w.heldBody = append(w.heldBody, p...)
	return len(p), nil
}

var _ handover.Writer = (*refusalWriter)(nil)

// WriteOwned hands p over to the writer below, when that can hold it
// (handover.Write); a held refusal copies it.
func (w *refusalWriter) WriteOwned(p []byte, release func()) (int, error) {
	if w.held == 0 {
		w.wrote = true
		return handover.Write(w.ResponseWriter, p, release)
	}
	return handover.Copy(w, p, release)
}

// finish sends a held refusal.
func (w *refusalWriter) finish() {
	if w.held == 0 || w.rewrote {
		return
	}
	w.rewrote = true
	var resp struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}
	if json.Unmarshal(w.heldBody, &resp) != nil || len(resp.Errors) == 0 {
		w.ResponseWriter.WriteHeader(w.held)
		_, _ = w.ResponseWriter.Write(w.heldBody)
		return
	}
	code, _ := resp.Errors[0].Extensions["code"].(string)
	status := w.held
	if _, known := apierr.Lookup(code); known {
		status = apierr.RequestStatus(code, answersGraphQLResponse(w.Header()))
	}
	if code == apierr.MethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	body, err := json.Marshal(resp)
	if err != nil {
		body = w.heldBody
	}
	w.Header().Del("Content-Length")
	w.ResponseWriter.WriteHeader(status)
	_, _ = w.ResponseWriter.Write(body)
}

func answersGraphQLResponse(h http.Header) bool {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return mt == graphQLResponseType
}

// Flush lets a streaming transport (multipart, SSE) flush through.
func (w *refusalWriter) Flush() {
	if w.held != 0 {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		w.wrote = true
		f.Flush()
	}
}

// Hijack lets a transport that upgrades take the connection.
func (w *refusalWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap gives http.ResponseController the writer below.
func (w *refusalWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// queryGiven refuses, with BAD_REQUEST, a request that carries no
// document once persisted queries had their say: its parameters are not
// a GraphQL request's ("qeury" for "query"). gqlgen would answer it as a
// validation failure, "no operation provided".
type queryGiven struct{ gqlext.Name }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = queryGiven{}

func (queryGiven) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query != "" {
		return nil
	}
	return &gqlerror.Error{
		Message:    `the request has no "query": send the document as {"query": "{ centres { code } }"}, or a persisted query's hash`,
		Extensions: apierr.Extensions(apierr.BadRequest),
	}
}
