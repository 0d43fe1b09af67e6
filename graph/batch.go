package graph

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// maxBatch bounds the operations of one batch.
const maxBatch = 10

// batches runs a POST whose body is a JSON array of operations (Apollo's
// BatchHttpLink sends them) as that many requests through next, the whole
// endpoint, one after another, and answers the array of their answers,
// in order, with 200. Each operation is thus priced by the query limits
// and spent from the client's budget, refused or answered, exactly as if
// it came alone; a batch of more than maxBatch, or of none, is refused
// with BATCH_LIMIT_EXCEEDED. Any other request passes to next untouched.
func batches(metrics *observe.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil {
			next.ServeHTTP(w, r)
			return
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			metrics.ErrorCoded(apierr.BadRequest)
			apierr.Write(w, apierr.BadRequest, msgUnreadable)
			return
		}
		trimmed := bytes.TrimLeft(body, " \t\r\n")
		if len(trimmed) == 0 || trimmed[0] != '[' {
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
			return
		}
		var ops []json.RawMessage
		if json.Unmarshal(trimmed, &ops) != nil {
			metrics.ErrorCoded(apierr.BadRequest)
			apierr.Write(w, apierr.BadRequest, msgNotJSON)
			return
		}
		if len(ops) == 0 || len(ops) > maxBatch {
			metrics.ErrorCoded(apierr.BatchLimit)
			apierr.Write(w, apierr.BatchLimit, "a batch holds 1 to "+strconv.Itoa(maxBatch)+" operations; this one holds "+strconv.Itoa(len(ops)))
			return
		}
		answers := make([]json.RawMessage, len(ops))
		contentType := ""
		for i, op := range ops {
			one := r.Clone(r.Context())
			one.Body, one.ContentLength = io.NopCloser(bytes.NewReader(op)), int64(len(op))
			rec := &bufferedAnswer{header: http.Header{}}
			next.ServeHTTP(rec, one)
			answers[i] = rec.body.Bytes()
			if !json.Valid(answers[i]) { // not an answer gqlgen writes; never a client's text
				answers[i], _ = json.Marshal(map[string]any{"errors": []map[string]any{{
					"message": apierr.Message(apierr.Internal, ""), "extensions": apierr.Extensions(apierr.Internal)}}})
			}
			if contentType == "" {
				contentType = rec.header.Get("Content-Type")
			}
		}
		out, _ := json.Marshal(answers)
		w.Header().Set("Content-Type", cmp.Or(contentType, "application/json"))
		_, _ = w.Write(out)
	})
}

// bufferedAnswer holds one operation's answer within a batch; its status
// is the batch's business no more, since the batch answers 200.
type bufferedAnswer struct {
	header http.Header
	body   bytes.Buffer
}

func (b *bufferedAnswer) Header() http.Header         { return b.header }
func (b *bufferedAnswer) WriteHeader(int)             {}
func (b *bufferedAnswer) Write(p []byte) (int, error) { return b.body.Write(p) }
