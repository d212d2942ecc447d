package siteverify

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
)

// flatSamples are outcome JSONs: the core's shape, and shapes decodeFlat
// must leave to encoding/json (or decode exactly as it does).
var flatSamples = []string{
	`{"accepted":true,"verified":true,"conclusive":true,"reason":"verified","score":0.2,"hostname":"example.com","action":"login","challenge_ts":"2026-01-01T00:00:00Z","timestamp":"2026-01-01T00:00:01Z","error_key":null,"error_codes":[],"provider_reason":null,"http_status":200,"retryable":false,"attempts":1,"fail_open_suspected":false,"detail":"ok"}`,
	`{"accepted":false,"verified":false,"conclusive":false,"reason":"provider-unavailable","score":null,"hostname":null,"action":null,"challenge_ts":null,"timestamp":null,"error_key":null,"error_codes":null,"provider_reason":null,"http_status":0,"retryable":true,"attempts":3,"fail_open_suspected":false,"detail":"connection refused"}`,
	`{"error_codes":["a","b","c"],"score":1e-3,"http_status":-0}`,
	`{"error_codes":["a"],"error_codes":[]}`,
	`{"hostname":"a","hostname":null,"score":1,"score":null,"accepted":true,"accepted":null}`,
	`{"detail":"日本語 ünïcode"}`,
	`{}`,
	// Left to encoding/json:
	`{"detail":"a \"quoted\" word"}`,
	`{"detail":"nul \u0000 inside"}`,
	`{"Accepted":true}`,
	`{"unknown":1}`,
	`{"score":1e400}`,
	`{"score":Infinity}`,
	`{"score":0x10}`,
	`{"score":01}`,
	`{"score":1.}`,
	`{"score":-}`,
	`{"http_status":200.0}`,
	`{"http_status":1e2}`,
	`{"attempts":99999999999999999999999}`,
	`{"accepted":"true"}`,
	`{"accepted":tru}`,
	`{"reason":1}`,
	`{"error_codes":[1]}`,
	`{"error_codes":["a",]}`,
	`{"error_codes":"a"}`,
	"{\"detail\":\"\xff\"}",
	"{\"detail\":\"tab\tinside\"}",
	"{\"detail\xff\":\"x\"}",
	`{ "accepted": true }`,
	`{"accepted":true} `,
	`{"accepted":true}{}`,
	`{"accepted":true,}`,
	`{"accepted":true`,
	`{"accepted"`,
	`{`,
	`[]`,
	`null`,
	``,
}

// checkFlat fails when decodeFlat accepts raw but does not decode it exactly
// as json.Unmarshal does; it reports whether decodeFlat accepted it.
func checkFlat(t *testing.T, raw []byte) bool {
	t.Helper()
	var flat, std Outcome
	ok := decodeFlat(raw, &flat)
	if !ok {
		return false
	}
	if err := json.Unmarshal(raw, &std); err != nil {
		t.Errorf("decodeFlat accepted what encoding/json refuses (%v): %q", err, raw)
	} else if !reflect.DeepEqual(flat, std) {
		t.Errorf("decodeFlat and encoding/json differ on %q:\n flat: %#v\n std:  %#v", raw, flat, std)
	}
	return true
}

func TestDecodeFlatMatchesEncodingJSON(t *testing.T) {
	accepted := 0
	for _, s := range flatSamples {
		if checkFlat(t, []byte(s)) {
			accepted++
		}
	}
	// The first seven samples have the core's shape: the fast path takes them.
	if accepted != 7 {
		t.Errorf("decodeFlat accepted %d samples, want 7", accepted)
	}
	// A sample decodeFlat refuses still decodes (or fails) through encoding/json.
	o, err := outcomeFromJSON([]byte(`{"detail":"a \"quoted\" word","accepted":true}`))
	if err != nil || o.Detail != `a "quoted" word` || !o.Accepted {
		t.Fatalf("fallback: %+v, %v", o, err)
	}
	if _, err := outcomeFromJSON([]byte(`{"accepted":tru}`)); err == nil {
		t.Fatal("invalid JSON decoded")
	}
}

// The core's real outcomes take the fast path, both ways of verifying.
func TestDecodeFlatTakesTheCoresOutcomes(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper, ExpectedHostnames: []string{"example.com"}, ScoreThreshold: Threshold(0.5)})
	onPaths(t, func(t *testing.T) {
		for _, token := range []string{"pass:score=0.2", "pass:score=0.9", "fail"} {
			r := c.verify(context.Background(), token, nil)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if !checkFlat(t, r.outcome.core) {
				t.Errorf("decodeFlat refused the core's JSON: %s", r.outcome.core)
			}
		}
	})
}

func FuzzDecodeFlat(f *testing.F) {
	for _, s := range flatSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkFlat(t, raw) })
}
