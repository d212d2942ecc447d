package siteverify

import (
	"os"
	"regexp"
	"testing"
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
	if len(blocks) != 2 {
		t.Fatalf("found %d example blocks in README.md, want 2", len(blocks))
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
