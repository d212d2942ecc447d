package siteverify

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// The shared cross-language vectors (tests/vectors/README.md), run through
// the public API; this mirrors core/tests/common/mod.rs.

type vectorCase struct {
	file              string
	Name              string          `json:"name"`
	Provider          string          `json:"provider"`
	Config            map[string]any  `json:"config"`
	Token             json.RawMessage `json:"token"`
	Options           map[string]any  `json:"options"`
	Prior             int             `json:"prior_verifications"`
	Expect            map[string]any  `json:"expect"`
	ExpectError       *string         `json:"expect_error"`
	ExpectConfigError json.RawMessage `json:"expect_config_error"`
}

func loadVectors(t *testing.T) []vectorCase {
	t.Helper()
	dir := filepath.Join("..", "tests", "vectors")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var cases []vectorCase
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Cases []vectorCase `json:"cases"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range doc.Cases {
			c.file = filepath.Base(f)
			cases = append(cases, c)
		}
	}
	if len(cases) <= 90 {
		t.Fatalf("only %d vector cases found in %s", len(cases), dir)
	}
	return cases
}

// vectorConfig maps the vector's config keys (the core's names) to a Config.
func vectorConfig(t *testing.T, c vectorCase) Config {
	t.Helper()
	cfg := Config{Provider: Provider(c.Provider), Secret: mockSecret}
	// A vector's milliseconds. Go's zero value means "default", so an
	// explicit 0 is expressed as a duration under the millisecond
	// resolution, which reaches the core as 0 ms.
	ms := func(v any) time.Duration {
		n := v.(float64)
		if n == 0 {
			return time.Microsecond
		}
		return time.Duration(n) * time.Millisecond
	}
	strs := func(v any) []string {
		var out []string
		for _, s := range v.([]any) {
			out = append(out, s.(string))
		}
		return out
	}
	for k, v := range c.Config {
		switch k {
		case "secret":
			cfg.Secret = v.(string)
		case "endpoint":
			cfg.Endpoint = strings.ReplaceAll(v.(string), "{mock}", mockURL)
		case "region":
			cfg.Region = v.(string)
		case "timeout_ms":
			cfg.Timeout = ms(v)
		case "connect_timeout_ms":
			cfg.ConnectTimeout = ms(v)
		case "attempt_timeout_ms":
			cfg.AttemptTimeout = ms(v)
		case "max_retries":
			cfg.MaxRetries = int(v.(float64))
			if cfg.MaxRetries == 0 {
				cfg.MaxRetries = NoRetries
			}
		case "retry_base_delay_ms":
			cfg.RetryBaseDelay = ms(v)
		case "retry_max_delay_ms":
			cfg.RetryMaxDelay = ms(v)
		case "expected_hostnames":
			cfg.ExpectedHostnames = strs(v)
		case "expected_actions":
			cfg.ExpectedActions = strs(v)
		case "score_threshold":
			cfg.ScoreThreshold = Threshold(v.(float64))
		case "max_age_seconds":
			cfg.MaxAge = time.Duration(v.(float64)) * time.Second
		case "fail_mode":
			cfg.FailMode = FailMode(v.(string))
		case "on_fail_open":
			cfg.OnFailOpen = FailOpenPolicy(v.(string))
		case "proxy":
			cfg.Proxy = v.(string)
		case "allow_http":
			cfg.AllowHTTP = v.(bool)
		default:
			t.Fatalf("%s: config key %q is not mapped by the Go runner", c.Name, k)
		}
	}
	_, hasEndpoint := c.Config["endpoint"]
	_, hasRegion := c.Config["region"]
	if !hasEndpoint && !hasRegion {
		if cfg.Provider == Prosopo {
			cfg.Endpoint = prosopoURL()
		} else {
			cfg.Endpoint = gatekeeperURL()
		}
	}
	return cfg
}

func vectorToken(t *testing.T, c vectorCase) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(c.Token, &s); err == nil {
		return strings.ReplaceAll(s, "{uniq}", uniq())
	}
	var rep struct {
		Repeat string `json:"repeat"`
		Count  int    `json:"count"`
	}
	if err := json.Unmarshal(c.Token, &rep); err != nil || rep.Count == 0 {
		t.Fatalf("%s: unreadable token %s", c.Name, c.Token)
	}
	return strings.Repeat(rep.Repeat, rep.Count)
}

func vectorOptions(c vectorCase) []VerifyOption {
	var opts []VerifyOption
	if ip, ok := c.Options["remote_ip"].(string); ok {
		opts = append(opts, WithRemoteIP(ip))
	}
	if email, ok := c.Options["email"].(string); ok {
		opts = append(opts, WithEmail(email))
	}
	return opts
}

func TestVectors(t *testing.T) {
	cases := loadVectors(t)
	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.file, ".json")+"/"+c.Name, func(t *testing.T) {
			t.Parallel()
			runVector(t, c)
		})
	}
}

func runVector(t *testing.T, c vectorCase) {
	cfg := vectorConfig(t, c)
	client, err := New(cfg)
	if c.ExpectConfigError != nil {
		var want *string
		if err := json.Unmarshal(c.ExpectConfigError, &want); err != nil {
			t.Fatal(err)
		}
		if want == nil {
			if err != nil {
				t.Fatalf("want a client, got %v", err)
			}
			_ = client.Close()
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != *want {
			t.Fatalf("want error code %q, got %v (client %v)", *want, err, client)
		}
		if !errors.Is(err, &Error{Code: *want}) || e.Key != keyOf(*want) || e.Message == "" {
			t.Fatalf("error fields: %#v", e)
		}
		if strings.Contains(err.Error(), mockSecret) {
			t.Fatalf("the error shows the secret: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer client.Close()

	token := vectorToken(t, c)
	opts := vectorOptions(c)
	ctx := context.Background()
	for range c.Prior {
		_ = client.verify(ctx, token, opts)
	}
	r := client.verify(ctx, token, opts)

	if c.ExpectError != nil {
		var e *Error
		if !errors.As(r.err, &e) || e.Code != *c.ExpectError || r.outcome != nil {
			t.Fatalf("want error %q, got outcome %+v, error %v", *c.ExpectError, r.outcome, r.err)
		}
		if !errors.Is(r.err, &Error{Code: *c.ExpectError}) || e.Key != keyOf(*c.ExpectError) {
			t.Fatalf("error fields: %#v", e)
		}
		return
	}
	if r.err != nil {
		t.Fatalf("verify: %v", r.err)
	}
	got := outcomeMap(t, r.outcome)
	for key, want := range c.Expect {
		have, ok := got[key]
		if !ok {
			t.Errorf("unknown outcome field %q", key)
			continue
		}
		if !sameJSON(want, have) {
			t.Errorf("%s: want %v, got %v (core: %s)", key, want, have, r.coreJSON)
		}
	}
	// The Go struct carries every field the core has: its JSON is the core's.
	goJSON, err := json.Marshal(r.outcome)
	if err != nil {
		t.Fatal(err)
	}
	if string(goJSON) != r.coreJSON {
		t.Errorf("json.Marshal(outcome) differs from sv_outcome_to_json:\n go:   %s\n core: %s", goJSON, r.coreJSON)
	}
}

func outcomeMap(t *testing.T, o *Outcome) map[string]any {
	t.Helper()
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func sameJSON(want, have any) bool {
	if a, ok := want.(float64); ok {
		b, ok := have.(float64)
		return ok && math.Abs(a-b) < 1e-9
	}
	return reflect.DeepEqual(want, have)
}
