package siteverify

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The README's Go blocks: whole files (the examples, the user's test written
// with siteverifytest, the adapters' and exporter's examples in their
// modules) and snippets of example_test.go.
const (
	readmeFiles    = 6
	readmeSnippets = 4
)

// The README shows the examples verbatim: each code block after a
// `<!-- file: PATH -->` marker must be that file, which `make test` builds
// and runs.
func TestReadmeExamplesAreTheFiles(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)<!-- file: (\\S+) -->\n```go\n(.*?)```\n").FindAllSubmatch(readme, -1)
	if len(blocks) != readmeFiles {
		t.Fatalf("found %d example blocks in README.md, want %d", len(blocks), readmeFiles)
	}
	for _, b := range blocks {
		file, err := os.ReadFile(string(b[1]))
		if err != nil {
			t.Fatal(err)
		}
		if string(file) != string(b[2]) {
			t.Errorf("README.md's block for %s differs from the file", b[1])
		}
	}
}

// Each code block after a `<!-- example: NAME -->` marker is the body of the
// function NAME in example_test.go, which the test build compiles: the
// README's snippets compile.
func TestReadmeSnippetsCompile(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)<!-- example: (\\w+) -->\n```go\n(.*?)```\n").FindAllSubmatch(readme, -1)
	if len(blocks) != readmeSnippets {
		t.Fatalf("found %d snippet blocks in README.md, want %d", len(blocks), readmeSnippets)
	}
	for _, b := range blocks {
		name := string(b[1])
		m := regexp.MustCompile("(?s)\nfunc " + name + "\\([^\n]*\\{\n(.*?)\n}\n").FindSubmatch(src)
		if m == nil {
			t.Errorf("example_test.go has no function %s", name)
			continue
		}
		var body strings.Builder
		for _, line := range strings.Split(string(m[1]), "\n") {
			body.WriteString(strings.TrimPrefix(line, "\t") + "\n")
		}
		if body.String() != string(b[2]) {
			t.Errorf("README.md's snippet %s differs from its function in example_test.go:\n%s", name, body.String())
		}
	}
	// Every other Go block is a marked one or the Error type, checked here
	// against errors.go line by line (comments aside).
	all := regexp.MustCompile("(?s)```go\n(.*?)```\n").FindAllSubmatch(readme, -1)
	if len(all) != readmeFiles+len(blocks)+1 {
		t.Fatalf("README.md has %d Go blocks; mark new ones <!-- example: NAME --> and add NAME to example_test.go", len(all))
	}
	errorsGo, err := os.ReadFile("errors.go")
	if err != nil {
		t.Fatal(err)
	}
	normalize := func(s string) string {
		if i := strings.Index(s, "//"); i >= 0 {
			s = s[:i]
		}
		return strings.Join(strings.Fields(s), " ")
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(errorsGo), "\n") {
		have[normalize(line)] = true
	}
	found := false
	for _, b := range all {
		if !strings.HasPrefix(string(b[1]), "type Error struct {") {
			continue
		}
		found = true
		for _, line := range strings.Split(string(b[1]), "\n") {
			if !have[normalize(line)] {
				t.Errorf("README.md's Error type has a line errors.go lacks: %q", line)
			}
		}
	}
	if !found {
		t.Error("README.md no longer shows the Error type")
	}
}
