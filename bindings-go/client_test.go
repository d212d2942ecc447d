package siteverify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestVerifyAcceptsAndRejects(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper, ExpectedHostnames: []string{"example.com"}, ScoreThreshold: Threshold(0.5)})
	o, err := c.Verify(context.Background(), "pass:score=0.2", WithRemoteIP("203.0.113.7"))
	if err != nil {
		t.Fatal(err)
	}
	if !o.Accepted || !o.Verified || !o.Conclusive || o.Reason != ReasonVerified || o.Score == nil || *o.Score != 0.2 ||
		o.Hostname != "example.com" || o.Action != "login" || o.HTTPStatus != 200 || o.Attempts != 1 ||
		o.ChallengeTS == "" || o.Timestamp == "" || len(o.ErrorCodes) != 0 {
		t.Fatalf("unexpected outcome %+v", o)
	}
	o, err = c.Verify(context.Background(), "pass:score=0.9")
	if err != nil {
		t.Fatal(err)
	}
	if o.Accepted || o.Reason != ReasonScoreAboveThreshold || !o.Conclusive || o.Detail == "" {
		t.Fatalf("a score above the threshold was not rejected: %+v", o)
	}
	if got := c.Provider(); got != GateKeeper {
		t.Fatalf("Provider() = %q", got)
	}
	if got := c.Endpoint(); got != gatekeeperURL() {
		t.Fatalf("Endpoint() = %q", got)
	}
	if Version() == "" || ABIVersion() != 1 {
		t.Fatalf("version %q, ABI %d", Version(), ABIVersion())
	}
}

func TestProviderOutageIsAnOutcomeNotAnError(t *testing.T) {
	// Nothing listens on port 9.
	for _, mode := range []FailMode{FailClosed, FailOpen} {
		c := newClient(t, Config{Provider: Prosopo, Endpoint: "http://127.0.0.1:9/siteverify", Timeout: 1500 * time.Millisecond, FailMode: mode, MaxRetries: NoRetries})
		o, err := c.Verify(context.Background(), "pass")
		if err != nil {
			t.Fatal(err)
		}
		if o.Reason != ReasonProviderUnavailable || o.Conclusive || o.Accepted != (mode == FailOpen) || !o.Retryable {
			t.Fatalf("%s: %+v", mode, o)
		}
	}
}

func TestTokenIsPointerAndLength(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper})
	// A NUL inside the token reaches the core (a control character), it is
	// not cut to "pass".
	o, err := c.Verify(context.Background(), "pass\x00tail")
	if err != nil {
		t.Fatal(err)
	}
	if o.Accepted || o.Reason != ReasonTokenInvalid || o.Attempts != 0 {
		t.Fatalf("a token with a NUL byte: %+v", o)
	}
	// Go strings need not be UTF-8; such a token is invalid, rejected locally.
	o, err = c.Verify(context.Background(), "pass\xff")
	if err != nil || o.Accepted || o.Reason != ReasonTokenInvalid || o.Attempts != 0 {
		t.Fatalf("non-UTF-8 token: %+v, %v", o, err)
	}
	o, err = c.Verify(context.Background(), "")
	if err != nil || o.Accepted || o.Reason != ReasonTokenInvalid || o.Attempts != 0 {
		t.Fatalf("empty token: %+v, %v", o, err)
	}
}

func TestErrorsAreTypedAndMatchSentinels(t *testing.T) {
	c := newClient(t, Config{Provider: Prosopo})
	_, err := c.Verify(context.Background(), "pass", WithRemoteIP("203.0.113.7; DROP TABLE"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %T %v", err, err)
	}
	if e.Code != "invalid-argument" || e.Key != "SV_INVALID_ARGUMENT" || e.Message == "" {
		t.Fatalf("fields: %#v", e)
	}
	if !errors.Is(err, ErrInvalidArgument) || errors.Is(err, ErrConfiguration) {
		t.Fatalf("errors.Is is wrong for %v", err)
	}
	if !strings.HasPrefix(err.Error(), "siteverify: invalid-argument: ") {
		t.Fatalf("Error() = %q", err.Error())
	}
	wrapped := fmt.Errorf("checkout: %w", err)
	if !errors.Is(wrapped, ErrInvalidArgument) {
		t.Fatal("errors.Is through a wrap")
	}
	if _, err := c.Verify(context.Background(), "pass", WithEmail("alice@")); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("invalid email: %v", err)
	}
	if _, err := c.Verify(context.Background(), "pass", WithRemoteIP("203.0.113.7\x00")); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("remote IP with NUL: %v", err)
	}
	o, err := c.Verify(context.Background(), "echo", WithRemoteIP("203.0.113.7"), WithEmail("Alice@Example.COM"))
	if err != nil || o.ProviderReason != "ip=203.0.113.7 email=example.com" {
		t.Fatalf("options not sent: %+v %v", o, err)
	}
	// Sentinels differ from each other.
	all := []*Error{ErrConfiguration, ErrInvalidArgument, ErrNullArgument, ErrBlockingInAsyncContext, ErrCancelled, ErrClosed, ErrPanic, ErrInternal}
	for i, a := range all {
		for j, b := range all {
			if errors.Is(a, b) != (i == j) {
				t.Fatalf("errors.Is(%v, %v)", a, b)
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	cases := map[string]Config{
		"no provider":             {Secret: mockSecret, Endpoint: gatekeeperURL()},
		"unknown provider":        {Provider: "no-such-provider", Secret: mockSecret},
		"turnstile and site key":  {Provider: Turnstile, Secret: mockSecret, Endpoint: mockEndpoint(Turnstile), SiteKey: "mock-site-key"},
		"enterprise, no project":  {Provider: RecaptchaEnterprise, Secret: mockSecret, Endpoint: mockEndpoint(RecaptchaEnterprise), SiteKey: "mock-site-key"},
		"enterprise, no site key": {Provider: RecaptchaEnterprise, Secret: mockSecret, Endpoint: mockEndpoint(RecaptchaEnterprise), ProjectID: "siteverify-mock"},
		"invalid project ID":      {Provider: RecaptchaEnterprise, Secret: mockSecret, SiteKey: "mock-site-key", ProjectID: "Not/A-Project"},
		"no secret":               {Provider: GateKeeper, Endpoint: gatekeeperURL()},
		"unknown fail mode":       {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), FailMode: "sometimes"},
		"unknown fail-open":       {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), OnFailOpen: "maybe"},
		"negative timeout":        {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), Timeout: -time.Second},
		"negative sub-ms":         {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), Timeout: -time.Microsecond},
		"negative max age":        {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), MaxAge: -time.Minute},
		"negative base delay":     {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), RetryBaseDelay: -time.Millisecond},
		"retries -1":              {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), MaxRetries: -1},
		"NaN threshold":           {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), ScoreThreshold: Threshold(math.NaN())},
		"NUL in provider":         {Provider: GateKeeper + "\x00", Secret: mockSecret, Endpoint: gatekeeperURL()},
		"NUL in fail mode":        {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), FailMode: FailOpen + "\x00"},
		"too long timeout":        {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), Timeout: time.Hour},
		"negative retries":        {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), MaxRetries: -2},
		"too many retries":        {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), MaxRetries: 11},
		"base above max":          {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), RetryBaseDelay: 3 * time.Second},
		"threshold too high":      {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), ScoreThreshold: Threshold(1.5)},
		"NUL in endpoint":         {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL() + "\x00x"},
		"NUL in secret":           {Provider: GateKeeper, Secret: mockSecret + "\x00", Endpoint: gatekeeperURL()},
		"unreadable CA file":      {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), CAFiles: []string{"/nonexistent/ca.pem"}},
		"invalid CA PEM":          {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), CAPEM: []string{"not a certificate"}},
		"prosopo and hostname":    {Provider: Prosopo, Secret: mockSecret, Endpoint: prosopoURL(), ExpectedHostnames: []string{"example.com"}},
		"prosopo and max age":     {Provider: Prosopo, Secret: mockSecret, Endpoint: prosopoURL(), MaxAge: time.Minute},
		"region and endpoint":     {Provider: Prosopo, Secret: mockSecret, Endpoint: prosopoURL(), Region: "eu"},
		"invalid proxy":           {Provider: Prosopo, Secret: mockSecret, Endpoint: prosopoURL(), Proxy: "::not a url::"},
		"proxy with plain HTTP":   {Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL(), Proxy: "http://127.0.0.1:3128"},
	}
	for name, cfg := range cases {
		c, err := New(cfg)
		if !errors.Is(err, ErrConfiguration) || c != nil {
			t.Errorf("%s: want ErrConfiguration, got %v", name, err)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != "configuration" || e.Key != "SV_CONFIGURATION" || e.Message == "" {
			t.Errorf("%s: fields %#v", name, e)
		}
		if strings.Contains(err.Error(), mockSecret) {
			t.Errorf("%s: the error shows the secret: %v", name, err)
		}
	}
}

func TestEveryOptionIsAccepted(t *testing.T) {
	c := newClient(t, Config{
		Provider:          GateKeeper,
		Timeout:           4 * time.Second,
		ConnectTimeout:    time.Second,
		AttemptTimeout:    2 * time.Second,
		MaxRetries:        3,
		RetryBaseDelay:    10 * time.Millisecond,
		RetryMaxDelay:     50 * time.Millisecond,
		ExpectedHostnames: []string{"example.com"},
		ExpectedActions:   []string{"login"},
		ScoreThreshold:    Threshold(0.5),
		MaxAge:            5 * time.Minute,
		FailMode:          FailClosed,
		OnFailOpen:        FailOpenReject,
	})
	o, err := c.Verify(context.Background(), "flaky:fails=2:id="+uniq())
	if err != nil || !o.Accepted || o.Attempts != 3 {
		t.Fatalf("%+v %v", o, err)
	}
	// A region instead of an endpoint builds (no request is made).
	r, err := New(Config{Provider: Prosopo, Secret: mockSecret, Region: "eu"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Endpoint() != "https://eu-api.prosopo.io/siteverify" {
		t.Fatalf("region endpoint %q", r.Endpoint())
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	const secret = "sk_live_very-secret-value"
	cfg := Config{Provider: GateKeeper, Secret: secret, Endpoint: gatekeeperURL(), Proxy: "http://user:proxy-password@proxy.example:3128", ScoreThreshold: Threshold(0.5)}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", &cfg)
	outputs := []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		fmt.Sprintf("%s", cfg), fmt.Sprintf("%q", cfg), fmt.Sprintf("%x", cfg), fmt.Sprintf("%v", &cfg),
		fmt.Sprintf("%+v", []Config{cfg}), cfg.String(), cfg.GoString(), logged.String(),
	}
	for _, v := range []any{cfg, &cfg, []Config{cfg}, map[string]any{"cfg": cfg}} {
		js, err := json.Marshal(v)
		if err != nil || !strings.Contains(string(js), `"Secret":"[REDACTED]"`) || !strings.Contains(string(js), `"ScoreThreshold":0.5`) {
			t.Fatalf("json: %s %v", js, err)
		}
		outputs = append(outputs, string(js))
	}
	// The client itself goes direct: a proxy is refused for a plain-HTTP endpoint.
	direct := cfg
	direct.Proxy = ""
	c, err := New(direct)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	outputs = append(outputs, fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), c.String())
	for _, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, "proxy-password") {
			t.Fatalf("secret printed: %s", out)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", cfg), "Secret:[REDACTED]") || !strings.Contains(fmt.Sprintf("%#v", cfg), "siteverify.Config{") {
		t.Fatalf("unexpected format: %+v / %#v", cfg, cfg)
	}
	// The wrong secret gives an outcome whose fields do not echo it.
	o, err := c.Verify(context.Background(), "pass")
	if err != nil || o.Reason != ReasonProviderRejectedRequest || strings.Contains(fmt.Sprintf("%+v", o), secret) {
		t.Fatalf("%+v %v", o, err)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	c, err := New(Config{Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL()})
	if err != nil {
		t.Fatal(err)
	}
	before := liveClients.Load()
	for range 3 {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if got := liveClients.Load(); got != before-1 {
		t.Fatalf("live native clients: %d, want %d", got, before-1)
	}
	if _, err := c.Verify(context.Background(), "pass"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Verify after Close: %v", err)
	}
	if _, err := c.Stats(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Stats after Close: %v", err)
	}
}

// Close while verifications are in flight: they finish (each holds its own
// native reference), later calls get ErrClosed, nothing crashes.
func TestCloseDuringVerifications(t *testing.T) {
	c, err := New(Config{Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := c.Verify(context.Background(), "slow:ms=100")
			switch {
			case errors.Is(err, ErrClosed):
			case err != nil:
				errs <- err
			case !o.Accepted:
				errs <- fmt.Errorf("not accepted: %+v", o)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	_ = c.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Other parallel tests may have calls in flight; this test is not
	// parallel, so none should be.
	checkNothingLeft(t)
}

// Close does not wait for a verification running on its caller's thread:
// the native client outlives Close until that verification is over.
func TestCloseDuringABlockingVerification(t *testing.T) {
	useMaxBlocking(t, 1)
	c, err := New(Config{Provider: Prosopo, Secret: mockSecret, Endpoint: prosopoURL(), Timeout: time.Minute, AttemptTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := make(chan error, 1)
	go func() {
		_, err := c.Verify(ctx, "hang")
		errs <- err
	}()
	waitFor(t, "the verification to start", func() bool { return pending.Load() == 1 })
	if n := blockingCalls.Load(); n != 1 {
		t.Fatalf("%d verifications on their callers' threads, want 1", n)
	}
	_ = c.Close()
	// Had Close waited, the verification would be over (after a minute).
	if n, refs := pending.Load(), c.native.refs.Load(); n != 1 || refs != 1 {
		t.Fatalf("after Close: %d pending, %d native references; want the verification's only", n, refs)
	}
	if _, err := c.Verify(context.Background(), "pass"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Verify after Close: %v", err)
	}
	cancel()
	if err := <-errs; err != context.Canceled {
		t.Fatalf("the verification in flight: %v", err)
	}
	if refs := c.native.refs.Load(); refs != 0 {
		t.Fatalf("%d native references left", refs)
	}
	checkNothingLeft(t)
}

func TestStats(t *testing.T) {
	c := newClient(t, Config{Provider: Prosopo, RetryBaseDelay: 5 * time.Millisecond, RetryMaxDelay: 20 * time.Millisecond})
	ctx := context.Background()
	for _, tok := range []string{"pass", "pass", "fail", "fail-open", "error:key=API.BAD_REQUEST", "flaky:fails=1:id=" + uniq()} {
		if _, err := c.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = c.Verify(ctx, "pass", WithRemoteIP("not an ip"))
	s, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{
		// "fail-open" is not accepted under the default fail mode, and a
		// provider error key a token can cause is a conclusive rejection.
		Verifications: 6, Accepted: 3, NotAccepted: 3, Rejected: 3, Inconclusive: 1, FailOpenSuspected: 1, Retries: 1, Errors: 1,
		ProviderHealth: HealthUp,
		ByReason: map[Reason]uint64{
			ReasonVerified: 3, ReasonTokenInvalid: 2, ReasonProviderFailOpen: 1,
		},
		ByErrorKey: map[string]uint64{"API.BAD_REQUEST": 1},
		// One HTTP attempt each but the flaky token's two.
		ByAttempts: map[int]uint64{1: 5, 2: 1},
	}
	// The histograms (timings) are checked in TestStatsHistograms.
	if s.VerificationSeconds.Count != 6 || s.RoundTripSeconds.Count != 7 {
		t.Errorf("histogram counts %d, %d, want 6, 7", s.VerificationSeconds.Count, s.RoundTripSeconds.Count)
	}
	s.VerificationSeconds, s.RoundTripSeconds = Histogram{}, Histogram{}
	if fmt.Sprintf("%+v", s) != fmt.Sprintf("%+v", want) {
		t.Fatalf("stats:\n got  %+v\n want %+v", s, want)
	}
}

// configView (what fmt shows) must list every Config field, in order.
func TestConfigViewMirrorsConfig(t *testing.T) {
	a, b := reflect.TypeOf(Config{}), reflect.TypeOf(configView{})
	if a.NumField() != b.NumField() {
		t.Fatalf("Config has %d fields, configView %d", a.NumField(), b.NumField())
	}
	for i := range a.NumField() {
		if a.Field(i).Name != b.Field(i).Name {
			t.Fatalf("field %d: Config.%s, configView.%s", i, a.Field(i).Name, b.Field(i).Name)
		}
	}
	cfg := Config{Provider: GateKeeper, Secret: "s3cr3t", ScoreThreshold: Threshold(0.5), Timeout: time.Second}
	if got := fmt.Sprintf("%+v", cfg); !strings.Contains(got, "ScoreThreshold:0.5") || !strings.Contains(got, "Timeout:1s") {
		t.Fatalf("%%+v: %s", got)
	}
	if got := fmt.Sprintf("%#v", cfg); !strings.Contains(got, "ScoreThreshold:siteverify.Threshold(0.5)") {
		t.Fatalf("%%#v: %s", got)
	}
}

// A secret pasted into the wrong field must not reach the logs through an
// error: no configuration error repeats the value it refuses.
func TestConfigErrorsNeverEchoValues(t *testing.T) {
	const leak = "sk_live_4f9a1c0ffee_pasted-in-the-wrong-field"
	base := func() Config { return Config{Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL()} }
	cases := map[string]struct {
		set     func(*Config, string)
		refused bool // this value must be refused (others may be accepted)
	}{
		"Provider": {func(c *Config, v string) { c.Provider = Provider(v) }, true},
		"Secret":   {func(c *Config, v string) { c.Secret = v }, false},
		"Endpoint": {func(c *Config, v string) { c.Endpoint = v }, true},
		"Region":   {func(c *Config, v string) { c.Provider, c.Endpoint, c.Region = Prosopo, "", v }, true},
		"SiteKey":  {func(c *Config, v string) { c.SiteKey = v }, true}, // GateKeeper takes none
		"ProjectID": {func(c *Config, v string) {
			c.Provider, c.Endpoint, c.SiteKey, c.ProjectID = RecaptchaEnterprise, mockEndpoint(RecaptchaEnterprise), "mock-site-key", v
		}, true},
		"FailMode":           {func(c *Config, v string) { c.FailMode = FailMode(v) }, true},
		"OnFailOpen":         {func(c *Config, v string) { c.OnFailOpen = FailOpenPolicy(v) }, true},
		"Proxy":              {func(c *Config, v string) { c.Endpoint, c.Proxy = "https://verify.example/api", "::"+v }, true},
		"Proxy (schemeless)": {func(c *Config, v string) { c.Endpoint, c.Proxy = "https://verify.example/api", v }, false},
		"CAPEM":              {func(c *Config, v string) { c.CAPEM = []string{v} }, true},
		"CAFiles":            {func(c *Config, v string) { c.CAFiles = []string{"/nonexistent/" + v} }, true},
		"ExpectedHostnames":  {func(c *Config, v string) { c.ExpectedHostnames = []string{v + " not a hostname"} }, false},
		"ExpectedActions":    {func(c *Config, v string) { c.ExpectedActions = []string{v} }, false},
	}
	for name, tc := range cases {
		for _, value := range []string{leak, leak + "\x00", "\x00" + leak} {
			cfg := base()
			tc.set(&cfg, value)
			c, err := New(cfg)
			if err == nil {
				if tc.refused {
					t.Errorf("%s: a %q-like value was accepted", name, "sk_live_")
				}
				_ = c.Close()
				continue
			}
			if !errors.Is(err, ErrConfiguration) {
				t.Errorf("%s: want ErrConfiguration, got code %v", name, err.(*Error).Code)
			}
			var e *Error
			errors.As(err, &e)
			for _, text := range []string{err.Error(), e.Message, e.Code, e.Key, fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(text, "sk_live_") || strings.Contains(text, "pasted") {
					t.Errorf("%s: the error echoes the value: %s", name, text)
				}
			}
		}
	}
}

// OnFailOpen reaches the core only when set: unset, the core's default
// follows the fail mode.
func TestOnFailOpenDefaultFollowsTheFailMode(t *testing.T) {
	cases := []struct {
		mode     FailMode
		policy   FailOpenPolicy
		accepted bool
	}{
		{"", "", false},
		{FailClosed, "", false},
		{FailOpen, "", true},
		{FailClosed, FailOpenAccept, true},
		{FailOpen, FailOpenReject, false},
		{FailOpen, FailOpenAccept, true},
		{FailClosed, FailOpenReject, false},
	}
	for _, tc := range cases {
		c := newClient(t, Config{Provider: Prosopo, FailMode: tc.mode, OnFailOpen: tc.policy})
		o, err := c.Verify(context.Background(), "fail-open")
		if err != nil {
			t.Fatal(err)
		}
		if o.Accepted != tc.accepted || !o.FailOpenSuspected || o.Reason != ReasonProviderFailOpen {
			t.Errorf("FailMode %q, OnFailOpen %q: %+v", tc.mode, tc.policy, o)
		}
	}
}

// FailOpen accepts an inconclusive outcome only during a confirmed outage;
// the stats count both decisions.
func TestFailOpenIsOutageAware(t *testing.T) {
	// A provider that answers: a 5xx for one token is no outage.
	c := newClient(t, Config{Provider: GateKeeper, FailMode: FailOpen, MaxRetries: NoRetries})
	if o, err := c.Verify(context.Background(), "pass"); err != nil || !o.Accepted {
		t.Fatalf("%+v %v", o, err)
	}
	o, err := c.Verify(context.Background(), "status:code=500:id="+uniq())
	if err != nil {
		t.Fatal(err)
	}
	if o.Accepted || o.Conclusive || o.Detail == "" {
		t.Fatalf("a 5xx from a provider that answers was accepted: %+v", o)
	}
	s, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.OutageRefused != 1 || s.OutageAccepted != 0 || s.ProviderHealth != HealthUp {
		t.Fatalf("stats: %+v", s)
	}

	// An unreachable provider (nothing listens on port 9) is an outage.
	d := newClient(t, Config{Provider: Prosopo, Endpoint: "http://127.0.0.1:9/siteverify", FailMode: FailOpen, MaxRetries: NoRetries, Timeout: 1500 * time.Millisecond})
	o, err = d.Verify(context.Background(), "pass")
	if err != nil {
		t.Fatal(err)
	}
	if !o.Accepted || o.Conclusive || o.Reason != ReasonProviderUnavailable || o.Detail == "" {
		t.Fatalf("an unreachable provider under FailOpen: %+v", o)
	}
	s, err = d.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.OutageAccepted != 1 || s.OutageRefused != 0 {
		t.Fatalf("stats: %+v", s)
	}
	switch s.ProviderHealth {
	case HealthUp, HealthDown, HealthUnknown:
	default:
		t.Fatalf("ProviderHealth %q", s.ProviderHealth)
	}
}

// Every Config field reaches the core under the core's option name, with the
// Go type that picks its setter; unset fields are not passed.
func TestConfigOptionsUseTheCoreNames(t *testing.T) {
	if got := (&Config{Provider: Prosopo}).options(); len(got) != 0 {
		t.Fatalf("a zero Config passes options: %v", got)
	}
	cfg := Config{
		Provider: GateKeeper, Secret: "s", SiteKey: "k", ProjectID: "i", Endpoint: "e", Region: "r",
		Timeout: 1500 * time.Microsecond, ConnectTimeout: -time.Second, AttemptTimeout: 3 * time.Second,
		MaxRetries: -1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Second,
		ExpectedHostnames: []string{"a", "b"}, ExpectedActions: []string{""},
		ScoreThreshold: Threshold(0), MaxAge: time.Minute, FailMode: "sometimes", OnFailOpen: FailOpenAccept,
		Proxy: "p", CAPEM: []string{"pem"}, CAFiles: []string{"f"}, AllowHTTP: true,
	}
	want := []option{
		{"secret", "s"}, {"site_key", "k"}, {"project_id", "i"}, {"endpoint", "e"}, {"region", "r"},
		{"timeout", 1500 * time.Microsecond}, {"connect_timeout", -time.Second}, {"attempt_timeout", 3 * time.Second},
		{"max_retries", int64(-1)}, {"retry_base_delay", time.Millisecond}, {"retry_max_delay", time.Second},
		{"expected_hostnames", "a"}, {"expected_hostnames", "b"}, {"expected_actions", ""},
		{"score_threshold", 0.0}, {"max_age", time.Minute}, {"fail_mode", "sometimes"}, {"on_fail_open", "accept"},
		{"proxy", "p"}, {"ca_pems", "pem"}, {"ca_files", "f"}, {"allow_http", true},
	}
	if got := cfg.options(); !reflect.DeepEqual(got, want) {
		t.Fatalf("options:\n got  %v\n want %v", got, want)
	}
	if got := (&Config{MaxRetries: NoRetries}).options(); !reflect.DeepEqual(got, []option{{"max_retries", int64(0)}}) {
		t.Fatalf("NoRetries: %v", got)
	}
	// A name the core does not know is its configuration error too.
	_, err := build(Config{Provider: Prosopo}, []option{{"no_such_option", true}})
	if !errors.Is(err, ErrConfiguration) {
		t.Fatalf("unknown option: %v", err)
	}
}

// json.Marshal of an Outcome built by the caller uses the core's names.
func TestOutcomeBuiltByHandMarshals(t *testing.T) {
	js, err := json.Marshal(Outcome{Accepted: true, Reason: ReasonVerified, Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	if m["accepted"] != true || m["reason"] != "verified" || m["attempts"] != float64(1) || len(m) != 17 {
		t.Fatalf("%s", js)
	}
	// An outcome from Verify gives the core's JSON until a field changes.
	c := newClient(t, Config{Provider: GateKeeper})
	o, err := c.Verify(context.Background(), "fail")
	if err != nil {
		t.Fatal(err)
	}
	js, err = json.Marshal(o)
	if err != nil || string(js) != string(o.core) || !strings.Contains(string(js), `"hostname":null`) {
		t.Fatalf("%s %v", js, err)
	}
	o.Accepted = true
	if js, err = json.Marshal(o); err != nil || !strings.Contains(string(js), `"accepted":true`) {
		t.Fatalf("a changed outcome marshals as received: %s %v", js, err)
	}
}
