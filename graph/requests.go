package graph

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/observe"
)

// A request gqlgen's transports cannot decode is described in Go's terms
// ("cannot unmarshal array into Go value of type graphql.RawParams") or not
// coded at all (a GET's parameters, an Upgrade). This file words each such
// refusal for the client, with BAD_REQUEST.

// Messages for a request that is not one GraphQL request.
const (
	msgNotJSON        = "the body is not valid JSON"
	msgNotObject      = `the body must be one JSON object, such as {"query": "{ centres { code } }"}`
	msgUnreadable     = "the request body could not be read"
	msgBadQueryString = "the URL's query string is malformed"
	msgUpgrade        = "this endpoint upgrades only to a WebSocket speaking graphql-transport-ws; send other operations with GET or POST"
)

// paramKinds is the JSON kind each request parameter must have, and what a
// client is told when it has another.
var paramKinds = map[string]struct {
	object  bool
	message string
}{
	"query":         {false, `"query" must be a string`},
	"operationName": {false, `"operationName" must be a string`},
	"variables":     {true, `"variables" must be a JSON object`},
	"extensions":    {true, `"extensions" must be a JSON object`},
}

// gqlgen's POST transport reports a body it cannot read or decode with these
// prefixes, and quotes the body after bodySep.
const (
	prefixUndecodable = "json request body could not be decoded:"
	prefixUnreadable  = "could not read request body"
	bodySep           = " body:"
)

// requestMessage words a transport's refusal of a request for the client.
// One that would speak Go is replaced by what the body got wrong; any other
// is quoted, cut short, since it may quote the body.
func requestMessage(message string) string {
	switch {
	case strings.HasPrefix(message, prefixUnreadable):
		return msgUnreadable
	case strings.HasPrefix(message, prefixUndecodable):
		_, body, _ := strings.Cut(message, bodySep)
		return describeBody(body)
	}
	return truncate(message, maxRequestMessage)
}

// describeBody says what is wrong with a POST body gqlgen could not decode
// into one request. It runs only on that failure, so decoding it again
// costs nothing on the way of a good request.
func describeBody(body string) string {
	var v any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return msgNotJSON
	}
	if v, ok := v.(map[string]any); ok {
		for name, value := range v {
			if msg, ok := wrongKind(name, value); ok {
				return msg
			}
		}
	}
	// A JSON array reaches here only inside a batch (batches runs the
	// batch itself): each of its elements must be one operation.
	return msgNotObject
}

// wrongKind reports the message for a parameter whose JSON kind is not the
// one it must have; null stands for a parameter left out.
func wrongKind(name string, value any) (string, bool) {
	want, known := paramKinds[name]
	if !known || value == nil {
		return "", false
	}
	_, isObject := value.(map[string]any)
	_, isString := value.(string)
	if want.object && !isObject || !want.object && !isString {
		return want.message, true
	}
	return "", false
}

// wellFormed refuses, with BAD_REQUEST, what gqlgen's transports would
// answer without a code: an Upgrade, a GET whose query string does not
// parse, and a GET whose variables or extensions are not JSON objects.
func wellFormed(metrics *observe.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if msg := malformed(r); msg != "" {
				metrics.ErrorCoded(apierr.BadRequest)
				apierr.Write(w, apierr.BadRequest, msg)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// malformed says what is wrong with r before a transport reads it, or "".
func malformed(r *http.Request) string {
	if r.Header.Get("Upgrade") != "" && !isWebSocketHandshake(r) {
		return msgUpgrade
	}
	if r.Method != http.MethodGet {
		return ""
	}
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return msgBadQueryString
	}
	for _, name := range []string{"variables", "extensions"} {
		raw := params.Get(name)
		if raw == "" {
			continue
		}
		var v any
		if json.Unmarshal([]byte(raw), &v) != nil {
			return `"` + name + `" is not valid JSON`
		}
		if msg, wrong := wrongKind(name, v); wrong {
			return msg
		}
	}
	return ""
}

// rewordVariable gives a variable that does not fit its type a message in
// GraphQL's words: gqlparser names what arrived in reflect's ("cannot use
// map as String", "must be a TargetGroupFilter, not a slice"). Its other
// variable errors ("cannot be null", "unknown field") are kept.
func rewordVariable(e *gqlerror.Error) {
	if len(e.Path) == 0 || e.Path[0] != ast.PathName("variable") {
		return
	}
	if rest, ok := strings.CutPrefix(e.Message, "cannot use "); ok {
		if _, typ, ok := strings.Cut(rest, " as "); ok {
			typ, _, _ = strings.Cut(typ, ":")
			e.Message = "must be " + article(typ) + " " + typ
		}
		return
	}
	if typ, ok := strings.CutPrefix(e.Message, "must be a "); ok {
		typ, _, _ = strings.Cut(typ, ", not ")
		e.Message = "must be " + article(typ) + " " + typ
	}
}

func article(name string) string {
	if name != "" && strings.ContainsRune("AEIOU", rune(name[0])) {
		return "an"
	}
	return "a"
}

// isWebSocketHandshake says whether r opens a graphql-ws connection, which
// the WebSocket transport takes (live.go): a GET asking to upgrade to a
// WebSocket, with its key, offering the graphql-transport-ws subprotocol.
func isWebSocketHandshake(r *http.Request) bool {
	return r.Method == http.MethodGet &&
		strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		headerHas(r.Header.Values("Connection"), "upgrade") &&
		r.Header.Get("Sec-WebSocket-Key") != "" &&
		headerHas(r.Header.Values("Sec-WebSocket-Protocol"), "graphql-transport-ws")
}

// headerHas says whether a comma-separated header holds token, ignoring case.
func headerHas(values []string, token string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), token) {
				return true
			}
		}
	}
	return false
}
