//go:build ignore

// docs.go: `make docs` for the Go packages. For each package directory given
// (relative to its module: "." for the siteverify module, "gin" for a
// submodule's), it
//
//   - checks that the package and every exported identifier (constants,
//     variables, types, functions, methods of exported types) has a doc
//     comment, as pkg.go.dev shows them; a missing one fails the run;
//   - writes `go doc -all`'s text for the package into OUT/<name>.txt and an
//     HTML page OUT/<name>.html, and one OUT/index.html linking them.
//
// Usage: go run scripts/docs.go -out DIR PKGDIR...
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	out := flag.String("out", "", "output directory")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/docs.go -out DIR PKGDIR...")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	var problems []string
	type page struct{ name, importPath, synopsis string }
	var pages []page
	for _, dir := range flag.Args() {
		pkg, importPath, err := load(dir)
		if err != nil {
			fatal(err)
		}
		problems = append(problems, undocumented(dir, pkg)...)
		text, err := goDoc(dir)
		if err != nil {
			fatal(err)
		}
		name := pkg.Name
		if err := os.WriteFile(filepath.Join(*out, name+".txt"), text, 0o644); err != nil {
			fatal(err)
		}
		body := fmt.Sprintf("<h1>package %s</h1><p><code>import %q</code></p><pre>%s</pre>",
			html.EscapeString(name), importPath, html.EscapeString(string(text)))
		if err := writePage(filepath.Join(*out, name+".html"), "siteverify Go: "+name, body); err != nil {
			fatal(err)
		}
		pages = append(pages, page{name, importPath, doc.Synopsis(pkg.Doc)})
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		fmt.Fprintf(os.Stderr, "go docs: %d exported identifiers without a doc comment:\n  %s\n",
			len(problems), strings.Join(problems, "\n  "))
		os.Exit(1)
	}
	var b strings.Builder
	b.WriteString("<h1>siteverify for Go</h1><p>Each package's <code>go doc -all</code>; " +
		"the same doc comments are what pkg.go.dev shows.</p><ul>")
	for _, p := range pages {
		fmt.Fprintf(&b, "<li><a href=\"%s.html\"><code>%s</code></a>: %s</li>",
			p.name, html.EscapeString(p.importPath), html.EscapeString(p.synopsis))
	}
	b.WriteString("</ul>")
	if err := writePage(filepath.Join(*out, "index.html"), "siteverify Go reference", b.String()); err != nil {
		fatal(err)
	}
	fmt.Printf("go docs: %d packages, every exported identifier documented\n", len(pages))
}

// load parses the package's non-test files that build here (cgo on, no tags).
func load(dir string) (*doc.Package, string, error) {
	ctx := build.Default
	ctx.CgoEnabled = true
	bp, err := ctx.ImportDir(dir, build.ImportComment)
	if err != nil {
		return nil, "", err
	}
	importPath, err := listImportPath(dir)
	if err != nil {
		return nil, "", err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range append(append([]string{}, bp.GoFiles...), bp.CgoFiles...) {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, "", err
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, importPath)
	return pkg, importPath, err
}

func listImportPath(dir string) (string, error) {
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}", ".")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	return strings.TrimSpace(string(b)), err
}

func goDoc(dir string) ([]byte, error) {
	cmd := exec.Command("go", "doc", "-all", ".")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		return nil, fmt.Errorf("go doc -all in %s: %v %s", dir, err, stderr.String())
	}
	return b, nil
}

// undocumented lists what pkg.go.dev would show without a comment.
func undocumented(dir string, pkg *doc.Package) []string {
	var out []string
	where := func(what string) { out = append(out, filepath.Join(dir)+": "+what) }
	if strings.TrimSpace(pkg.Doc) == "" {
		where("package " + pkg.Name)
	}
	values := func(vs []*doc.Value, kind string) {
		for _, v := range vs {
			if strings.TrimSpace(v.Doc) != "" {
				continue
			}
			// A group without a doc comment: each exported name needs its own.
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				if vs.Doc != nil || vs.Comment != nil {
					continue
				}
				for _, n := range vs.Names {
					if ast.IsExported(n.Name) {
						where(kind + " " + n.Name)
					}
				}
			}
		}
	}
	funcs := func(fs []*doc.Func, prefix string) {
		for _, f := range fs {
			if strings.TrimSpace(f.Doc) == "" {
				where("func " + prefix + f.Name)
			}
		}
	}
	values(pkg.Consts, "const")
	values(pkg.Vars, "var")
	funcs(pkg.Funcs, "")
	for _, t := range pkg.Types {
		if strings.TrimSpace(t.Doc) == "" {
			where("type " + t.Name)
		}
		values(t.Consts, "const")
		values(t.Vars, "var")
		funcs(t.Funcs, "")
		funcs(t.Methods, "("+t.Name+") ")
	}
	return out
}

func writePage(path, title, body string) error {
	page := "<!doctype html><meta charset=utf-8><title>" + html.EscapeString(title) + "</title>" +
		"<style>body{font:15px/1.5 system-ui;max-width:60rem;margin:2rem auto}" +
		"pre{background:#f5f5f5;padding:.5rem;overflow:auto;white-space:pre-wrap}</style>" +
		"<p><a href=\"../index.html\">siteverify reference</a></p>" + body
	return os.WriteFile(path, []byte(page), 0o644)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "go docs:", err)
	os.Exit(1)
}
