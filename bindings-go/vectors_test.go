package siteverify

import (
	"bytes"
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

// vectorConfig maps the vector's config (the core's names, durations with
// their unit: timeout_ms, max_age_seconds) to a Config, the surface under
// test. A Config cannot express a zero value (it means "default"), so an
// explicit 0, "" or false goes to the core's setter directly, typed as the
// Config field would be, in extra.
func vectorConfig(t *testing.T, c vectorCase) (cfg Config, extra []option) {
	t.Helper()
	cfg = Config{Provider: Provider(c.Provider), Secret: mockSecret}
	strs := func(v any) []string {
		var out []string
		for _, s := range v.([]any) {
			out = append(out, s.(string))
		}
		return out
	}
	durations := map[string]*time.Duration{
		"timeout": &cfg.Timeout, "connect_timeout": &cfg.ConnectTimeout, "attempt_timeout": &cfg.AttemptTimeout,
		"retry_base_delay": &cfg.RetryBaseDelay, "retry_max_delay": &cfg.RetryMaxDelay, "max_age": &cfg.MaxAge,
	}
	texts := map[string]*string{
		"secret": &cfg.Secret, "site_key": &cfg.SiteKey, "project_id": &cfg.ProjectID, "endpoint": &cfg.Endpoint, "region": &cfg.Region, "proxy": &cfg.Proxy,
		"fail_mode": (*string)(&cfg.FailMode), "on_fail_open": (*string)(&cfg.OnFailOpen),
	}
	for k, v := range c.Config {
		name, unit := k, time.Duration(0)
		if n, ok := strings.CutSuffix(k, "_ms"); ok {
			name, unit = n, time.Millisecond
		} else if n, ok := strings.CutSuffix(k, "_seconds"); ok {
			name, unit = n, time.Second
		}
		switch {
		case unit != 0 && durations[name] != nil:
			d := time.Duration(v.(float64) * float64(unit))
			if d == 0 {
				extra = append(extra, option{name, d})
			}
			*durations[name] = d
		case texts[name] != nil:
			s := strings.ReplaceAll(v.(string), "{mock}", mockURL)
			if s == "" {
				extra = append(extra, option{name, s})
			}
			*texts[name] = s
		case name == "max_retries":
			cfg.MaxRetries = int(v.(float64))
			if cfg.MaxRetries == 0 {
				cfg.MaxRetries = NoRetries
			}
		case name == "expected_hostnames":
			cfg.ExpectedHostnames = strs(v)
		case name == "expected_actions":
			cfg.ExpectedActions = strs(v)
		case name == "score_threshold":
			cfg.ScoreThreshold = Threshold(v.(float64))
		case name == "allow_http":
			if !v.(bool) {
				extra = append(extra, option{name, false})
			}
			cfg.AllowHTTP = v.(bool)
		default:
			t.Fatalf("%s: config key %q is not mapped by the Go runner", c.Name, k)
		}
	}
	_, hasEndpoint := c.Config["endpoint"]
	_, hasRegion := c.Config["region"]
	if !hasEndpoint && !hasRegion {
		cfg.Endpoint = mockEndpoint(cfg.Provider)
	}
	return cfg, extra
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
	cfg, extra := vectorConfig(t, c)
	client, err := build(cfg, append(cfg.options(), extra...))
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
	// What json.Marshal gives: the core's JSON, null for absent values.
	coreJSON, err := json.Marshal(r.outcome)
	if err != nil {
		t.Fatal(err)
	}
	if string(coreJSON) != string(r.outcome.core) {
		t.Errorf("json.Marshal(outcome) is not the core's JSON (the struct lost something):\n go:   %s\n core: %s", coreJSON, r.outcome.core)
	}
	// Verify decoded it as encoding/json would have.
	checkFlat(t, r.outcome.core)
	var core map[string]any
	if err := json.Unmarshal(coreJSON, &core); err != nil {
		t.Fatal(err)
	}
	// What a Go caller reads: the struct's fields ("" and 0 when absent).
	goFields := fieldMap(t, r.outcome)
	for key, want := range c.Expect {
		have, ok := core[key]
		if !ok {
			t.Errorf("unknown outcome field %q", key)
			continue
		}
		if !sameJSON(want, have) {
			t.Errorf("%s: want %v, got %v (core: %s)", key, want, have, coreJSON)
		}
		if field := goFields[key]; !sameJSON(want, field) && !(want == nil && isZeroJSON(field)) {
			t.Errorf("%s: want %v, the Go field holds %v", key, want, field)
		}
	}
	// The struct has a field for every field of the core's JSON.
	dec := json.NewDecoder(bytes.NewReader(coreJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&Outcome{}); err != nil {
		t.Errorf("the Outcome struct lacks a field of the core's JSON: %v\n%s", err, coreJSON)
	}
}

// fieldMap is the outcome's Go fields under the core's names, as json.Marshal
// encodes an Outcome the caller built.
func fieldMap(t *testing.T, o *Outcome) map[string]any {
	t.Helper()
	copied := *o
	copied.core = nil
	raw, err := json.Marshal(copied)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func isZeroJSON(v any) bool {
	return v == nil || v == "" || v == float64(0)
}

func sameJSON(want, have any) bool {
	if a, ok := want.(float64); ok {
		b, ok := have.(float64)
		return ok && math.Abs(a-b) < 1e-9
	}
	return reflect.DeepEqual(want, have)
}
