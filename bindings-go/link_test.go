package siteverify

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// The build tag decides how libsiteverify is linked: from the workspace, the
// shared object is mapped into the process only with -tags
// siteverify_dynamic (siteverify_external links whatever CGO_LDFLAGS says).
func TestLinkMode(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/maps")
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	mapped := strings.Contains(string(maps), "/libsiteverify.so")
	if linkMode != "external" && mapped != (linkMode == "dynamic") {
		t.Fatalf("link mode %s, but libsiteverify.so mapped: %t", linkMode, mapped)
	}
	t.Logf("libsiteverify %s, ABI %d, linked %s", Version(), ABIVersion(), linkMode)
}
