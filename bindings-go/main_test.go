package siteverify

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// mockURL is the base URL of the mock provider started by TestMain.
var mockURL string

const mockSecret = "mock-secret"

func TestMain(m *testing.M) {
	bin := os.Getenv("SITEVERIFY_MOCK_BIN")
	if bin == "" {
		bin = filepath.Join("..", "target", "release", "siteverify-mock")
	}
	cmd := exec.Command(bin, "--port", "0")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot start the mock provider %s (run `make build` at the repository root, or set SITEVERIFY_MOCK_BIN): %v\n", bin, err)
		os.Exit(1)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		fmt.Fprintln(os.Stderr, "the mock provider printed no URL")
		_ = cmd.Process.Kill()
		os.Exit(1)
	}
	mockURL = strings.TrimSpace(lines.Text())
	go func() { // keep draining its stdout
		for lines.Scan() {
		}
	}()
	code := m.Run()
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	os.Exit(code)
}

func gatekeeperURL() string { return mockURL + "/api/v1/token/verify" }
func prosopoURL() string    { return mockURL + "/siteverify" }

var uniqSeq atomic.Int64

// uniq is a string unique to this test run and call (the mock remembers
// single-use tokens for its whole life).
func uniq() string {
	return fmt.Sprintf("go-%d-%d-%d", os.Getpid(), time.Now().UnixNano(), uniqSeq.Add(1))
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.Secret == "" {
		cfg.Secret = mockSecret
	}
	if cfg.Endpoint == "" && cfg.Region == "" {
		if cfg.Provider == Prosopo {
			cfg.Endpoint = prosopoURL()
		} else {
			cfg.Endpoint = gatekeeperURL()
		}
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%v): %v", cfg, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}
