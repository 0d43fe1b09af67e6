package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteAnswerAsEncodingJSON holds writeAnswer to what encoding/json
// makes of the same graphql.Response (transport.POST's writing), for each
// member present or absent and for data small and large.
func TestWriteAnswerAsEncodingJSON(t *testing.T) {
	big := json.RawMessage(`{"centres":[` + strings.Repeat(`{"code":"CBE","name":"Center for Beskæftigelse"},`, bigAnswer/40) + `{"code":"X"}]}`)
	yes := true
	for name, resp := range map[string]*graphql.Response{
		"data":                {Data: json.RawMessage(`{"centre":{"code":"CBE"}}`)},
		"no data":             {},
		"errors":              {Errors: gqlerror.List{{Message: "no", Path: ast.Path{ast.PathName("centre")}, Extensions: map[string]any{"code": "NOT_FOUND"}}}},
		"errors and data":     {Errors: gqlerror.List{{Message: "no"}}, Data: json.RawMessage(`{"a":null}`)},
		"extensions":          {Data: json.RawMessage(`{}`), Extensions: map[string]any{"cost": 3}},
		"incremental":         {Data: json.RawMessage(`{}`), Label: "l", Path: ast.Path{ast.PathName("a"), ast.PathIndex(2)}, HasNext: &yes},
		"large":               {Data: big},
		"large with the rest": {Errors: gqlerror.List{{Message: "part"}}, Data: big, Extensions: map[string]any{"cost": 3}},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			writeAnswer(&got, resp, nil)
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("writeAnswer wrote\n%.300s\nencoding/json\n%.300s", got.Bytes(), want)
			}
		})
	}
}

// TestWriteAnswerKeepsHTMLCharacters: encoding/json writes <, > and & in
// strings as \u003c, \u003e and \u0026, writeAnswer as the executor wrote
// them; the JSON is the same.
func TestWriteAnswerKeepsHTMLCharacters(t *testing.T) {
	resp := &graphql.Response{Data: json.RawMessage(`{"name":"Social- & Sundhed <SUF>"}`)}
	var got bytes.Buffer
	writeAnswer(&got, resp, nil)
	if want := `{"data":{"name":"Social- & Sundhed <SUF>"}}`; got.String() != want {
		t.Fatalf("got %s, want %s", got.Bytes(), want)
	}
	marshalled, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if json.Unmarshal(got.Bytes(), &a) != nil || json.Unmarshal(marshalled, &b) != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("%s and %s differ as JSON", got.Bytes(), marshalled)
	}
}

// BenchmarkWriteAnswer writes a 1.2 MB answer, the deep listing's at 100×
// the seed, as transport.POST does (encoding/json) and as postJSON does.
//
//	go test ./graph -run '^$' -bench WriteAnswer
func BenchmarkWriteAnswer(b *testing.B) {
	resp := &graphql.Response{Data: json.RawMessage(`{"centres":[` + strings.Repeat(`{"code":"CBE","targetGroups":[{"name":"Jobparate ledige","servedBy":[{"code":"CBE"}]}]},`, 12000) + `{"code":"X"}]}`)}
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(resp.Data)))
		for b.Loop() {
			out, err := json.Marshal(resp)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Discard.Write(out)
		}
	})
	b.Run("writeAnswer", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(resp.Data)))
		for b.Loop() {
			writeAnswer(io.Discard, resp, nil)
		}
	})
}

// keeping is a handover.Writer that records what it is handed and what it
// copies.
type keeping struct {
	handed   [][]byte
	releases []func()
	copied   bytes.Buffer
}

func (k *keeping) Write(p []byte) (int, error) { return k.copied.Write(p) }

func (k *keeping) WriteOwned(p []byte, release func()) (int, error) {
	k.handed = append(k.handed, p)
	k.releases = append(k.releases, release)
	return len(p), nil
}

// A large answer's data is handed to a writer that can hold it (the
// server's timeout holds every answer), not copied, with its release for
// the writer to call once it has sent it; a small one is written with the
// rest, in one copy, and released at once.
func TestWriteAnswerHandsALargeAnswerOver(t *testing.T) {
	big := json.RawMessage(`[` + strings.Repeat(`"x",`, bigAnswer/4) + `"y"]`)
	var k keeping
	released := 0
	writeAnswer(&k, &graphql.Response{Data: big}, func() { released++ })
	if len(k.handed) != 1 || &k.handed[0][0] != &big[0] || k.copied.String() != `{"data":}` {
		t.Fatalf("handed over %d slices, copied %q: want the data itself handed over and the rest copied", len(k.handed), k.copied.String())
	}
	if released != 0 || k.releases[0] == nil {
		t.Fatalf("released %d times before the writer sent it, release handed over: %v", released, k.releases[0] != nil)
	}
	k.releases[0]()
	if released != 1 {
		t.Fatalf("the writer's release released %d times", released)
	}
	var small keeping
	released = 0
	writeAnswer(&small, &graphql.Response{Data: json.RawMessage(`{"a":1}`)}, func() { released++ })
	if len(small.handed) != 0 || small.copied.String() != `{"data":{"a":1}}` || released != 1 {
		t.Fatalf("a small answer: handed over %d slices, copied %q, released %d times", len(small.handed), small.copied.String(), released)
	}
	var plain bytes.Buffer
	released = 0
	writeAnswer(&plain, &graphql.Response{Data: big}, func() {
		released++
		if !bytes.Contains(plain.Bytes(), big) {
			t.Error("released before the data was written")
		}
	})
	if released != 1 {
		t.Fatalf("a writer that copies: released %d times, want once, after the write", released)
	}
}

// A lease gives back the buffer of the answer the direct path wrote into
// it, and nothing for any other data: an answer gqlgen wrote, or one the
// ceiling replaced.
func TestAnswerLeaseReleasesOnlyItsAnswer(t *testing.T) {
	ctx, lease := withAnswerLease(context.Background())
	if lease.releaseFor([]byte(`{}`)) != nil {
		t.Fatal("a release with nothing held")
	}
	room := answerRoom(ctx, 64)
	if len(room) != 0 || cap(room) < 64 {
		t.Fatalf("room of len %d, cap %d", len(room), cap(room))
	}
	data := append(room, `{"centres":[]}`...)
	holdAnswer(ctx, data)
	if lease.releaseFor(bytes.Clone(data)) != nil {
		t.Fatal("a release for a copy of the answer")
	}
	if lease.releaseFor(data[:3]) != nil {
		t.Fatal("a release for part of the answer")
	}
	if lease.releaseFor(data) == nil {
		t.Fatal("no release for the answer itself")
	}
	if got := answerRoom(context.Background(), 1); cap(got) != 1 {
		t.Fatalf("a request without a lease got a room of cap %d from the pool", cap(got))
	}
}
