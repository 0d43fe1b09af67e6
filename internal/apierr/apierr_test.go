package apierr_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/errcode"

	"github.com/bif-kk/orggraph/internal/apierr"
	"github.com/bif-kk/orggraph/internal/domain"
)

// root is the repository's top, two levels up from this package.
const root = "../.."

// declaredCodes are the string constants apierr.go declares: the codes the
// rest of the tree can send, since it may name a code no other way
// (TestNoBareCodes).
func declaredCodes(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "apierr.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					break // an iota's repetition, such as a Stage
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				codes[v] = name.Name
			}
		}
	}
	return codes
}

func TestEveryCodeIsInTheTable(t *testing.T) {
	declared := declaredCodes(t)
	if len(declared) == 0 {
		t.Fatal("no codes declared in apierr.go")
	}
	seen := map[string]bool{}
	for _, e := range apierr.Table() {
		if seen[e.Code] {
			t.Errorf("%s is in the table twice", e.Code)
		}
		seen[e.Code] = true
		if _, ok := declared[e.Code]; !ok {
			t.Errorf("%s is in the table but not declared as a constant", e.Code)
		}
		if http.StatusText(e.Status) == "" || e.Status != http.StatusOK && e.Status < 400 {
			t.Errorf("%s: status %d is not an error's (or 200 for one inside an answer)", e.Code, e.Status)
		}
		if e.Message == "" {
			t.Errorf("%s has no public message", e.Code)
		}
		if got := apierr.Status(e.Code); got != e.Status {
			t.Errorf("Status(%s) = %d, want %d", e.Code, got, e.Status)
		}
	}
	for code, name := range declared {
		if !seen[code] {
			t.Errorf("%s (%s) is declared but not in the table", name, code)
		}
	}
}

// gqlgen's transports send its codes; the table must spell them as it does.
func TestGQLGenCodesAreGQLGens(t *testing.T) {
	if apierr.ParseFailed != errcode.ParseFailed || apierr.ValidationFailed != errcode.ValidationFailed {
		t.Errorf("gqlgen's codes are %s and %s", errcode.ParseFailed, errcode.ValidationFailed)
	}
	for _, code := range []string{apierr.ParseFailed, apierr.ValidationFailed} {
		e, _ := apierr.Lookup(code)
		if e.Stage != apierr.Refused {
			t.Errorf("%s refuses an operation before it runs; the table says stage %d", code, e.Stage)
		}
	}
}

var codeShaped = regexp.MustCompile(`^[A-Z][A-Z_]{4,}$`)

// No code is written as a literal outside this package: every sender names
// it by its constant, so the table above is every code there is. A string
// literal equal to a table code is a second copy; a code-shaped literal
// under a "code" key is a code the table lacks. Tests may spell codes out,
// as a client reads them on the wire.
func TestNoBareCodes(t *testing.T) {
	codes := map[string]bool{}
	for _, e := range apierr.Table() {
		codes[e.Code] = true
	}
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata", "apierr":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || d.Name() == "generated.go" {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if v, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING && codes[v] {
					t.Errorf("%s: the code %s written out; use apierr's constant", fset.Position(n.Pos()), v)
				}
			case *ast.KeyValueExpr:
				key, ok1 := n.Key.(*ast.BasicLit)
				val, ok2 := n.Value.(*ast.BasicLit)
				if ok1 && ok2 && key.Value == `"code"` {
					if v, err := strconv.Unquote(val.Value); err == nil && codeShaped.MatchString(v) && !codes[v] {
						t.Errorf("%s: the code %s is not in the error table", fset.Position(n.Pos()), v)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read only %d Go files from %s; is root right?", files, root)
	}
}

// README's table of error codes ("The schema at a glance") lists every
// code of the table with its status, and nothing else.
func TestREADMEListsEveryCode(t *testing.T) {
	f, err := os.Open(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([A-Z_]+)` \\| (\\d{3}) \\|")
	listed := map[string]int{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "| code | HTTP status | when |":
			in = true
		case in && strings.HasPrefix(line, "|---"):
		case in && strings.HasPrefix(line, "|"):
			m := row.FindStringSubmatch(line)
			if m == nil {
				t.Errorf("README: not a row of code and status: %s", line)
				continue
			}
			listed[m[1]], _ = strconv.Atoi(m[2])
		case in:
			in = false
		}
	}
	if len(listed) == 0 {
		t.Fatal("README has no table headed | code | HTTP status | when |")
	}
	for _, e := range apierr.Table() {
		status, ok := listed[e.Code]
		switch {
		case !ok:
			t.Errorf("README does not list %s", e.Code)
		case status != e.Status:
			t.Errorf("README gives %s status %d; the table %d", e.Code, status, e.Status)
		}
		delete(listed, e.Code)
	}
	for code := range listed {
		t.Errorf("README lists %s, which the table has not", code)
	}
}

func TestOf(t *testing.T) {
	reused := apierr.New(apierr.Unauthenticated, "a valid bearer token is required")
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("memstore: centre XYZ: %w", domain.ErrNotFound), apierr.NotFound},
		{fmt.Errorf("write: %w", domain.ErrInvalidInput), apierr.BadUserInput},
		{fmt.Errorf("write: %w", domain.ErrConflict), apierr.Conflict},
		{domain.ErrWritesDisabled, apierr.WritesDisabled},
		{fmt.Errorf("write: %w", domain.ErrKeyReused), apierr.KeyReused},
		{fmt.Errorf("neo4jstore: %w: connection refused", domain.ErrUnavailable), apierr.Unavailable},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), apierr.Timeout},
		{context.Canceled, apierr.Timeout},
		// The request's end wins over what failed because of it.
		{fmt.Errorf("%w: %w", domain.ErrUnavailable, context.DeadlineExceeded), apierr.Timeout},
		{fmt.Errorf("%w: expired", reused), apierr.Unauthenticated},
		{apierr.New(apierr.Forbidden, "no"), apierr.Forbidden},
		{errors.New("boom"), apierr.Internal},
	}
	for _, tt := range tests {
		if got := apierr.Of(tt.err); got != tt.want {
			t.Errorf("Of(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestMessage(t *testing.T) {
	tests := []struct {
		code, own, want string
	}{
		{apierr.NotFound, "no node has the id centre:nope", "no node has the id centre:nope"},
		{apierr.NotFound, "", "not found"},
		{apierr.Unavailable, "neo4j: connection refused at 10.0.0.7", "the store is unavailable; try again later"},
		{apierr.Internal, "runtime error: nil map", "internal error"},
		{apierr.Timeout, "context deadline exceeded", "the request ended before it was answered; try again later"},
		{"NOT_A_CODE", "secret", "internal error"},
	}
	for _, tt := range tests {
		if got := apierr.Message(tt.code, tt.own); got != tt.want {
			t.Errorf("Message(%s, %q) = %q, want %q", tt.code, tt.own, got, tt.want)
		}
	}
}

func TestWrite(t *testing.T) {
	for _, tt := range []struct {
		code, message, want string
		status              int
	}{
		{apierr.RateLimited, "too many requests; try again in 3 s", "too many requests; try again in 3 s", http.StatusTooManyRequests},
		{apierr.RequestTooLarge, "", "request body too large", http.StatusRequestEntityTooLarge},
		{apierr.NotFound, "no node has the id centre:nope", "no node has the id centre:nope", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		apierr.Write(rec, tt.code, tt.message)
		var body struct {
			Errors []struct {
				Message    string            `json:"message"`
				Extensions map[string]string `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v: %s", tt.code, err, rec.Body)
		}
		if rec.Code != tt.status || len(body.Errors) != 1 || body.Errors[0].Message != tt.want || body.Errors[0].Extensions["code"] != tt.code {
			t.Errorf("%s: %d %s", tt.code, rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", tt.code, rec.Header())
		}
	}
}

// Everything may read the table, so it reads nothing of orggraph's but the
// domain's errors: the arrows point one way.
func TestImportsOnlyTheDomain(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path, ".") && path != "github.com/bif-kk/orggraph/internal/domain" {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
