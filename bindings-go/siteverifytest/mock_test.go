package siteverifytest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/siteverify/siteverify/bindings-go"
	"github.com/siteverify/siteverify/bindings-go/siteverifytest"
)

func TestMockServesEveryProvider(t *testing.T) {
	mock := siteverifytest.Start(t)
	if !strings.HasPrefix(mock.URL(), "http://127.0.0.1:") || mock.CAPEM() != "" || mock.Secret() != siteverifytest.DefaultSecret {
		t.Fatalf("url %q, ca %q, secret %q", mock.URL(), mock.CAPEM(), mock.Secret())
	}
	if got := mock.Endpoint(siteverify.GateKeeper); got != mock.URL()+"/api/v1/token/verify" {
		t.Errorf("GateKeeper endpoint %q", got)
	}
	if got := mock.Endpoint(siteverify.Prosopo); got != mock.URL()+"/siteverify" {
		t.Errorf("Prosopo endpoint %q", got)
	}
	if got := mock.Endpoint("no-such-provider"); got != "" {
		t.Errorf("unknown provider endpoint %q", got)
	}
	paths := map[siteverify.Provider]string{
		siteverify.Turnstile:           "/turnstile/v0/siteverify",
		siteverify.HCaptcha:            "/hcaptcha/siteverify",
		siteverify.Recaptcha:           "/recaptcha/api/siteverify",
		siteverify.RecaptchaEnterprise: "/v1/projects/" + siteverifytest.ProjectID + "/assessments",
		siteverify.Friendly:            "/api/v2/captcha/siteverify",
		siteverify.Yandex:              "/validate",
	}
	for p, path := range paths {
		if got := mock.Endpoint(p); got != mock.URL()+path {
			t.Errorf("%s endpoint %q", p, got)
		}
	}
	providers := []siteverify.Provider{
		siteverify.Prosopo, siteverify.GateKeeper, siteverify.Turnstile, siteverify.HCaptcha,
		siteverify.Recaptcha, siteverify.RecaptchaEnterprise, siteverify.Friendly, siteverify.Yandex,
	}
	for _, p := range providers {
		c := mock.Client(t, p, nil)
		for tok, accepted := range map[string]bool{"pass": true, "fail": false} {
			o, err := c.Verify(context.Background(), tok)
			if err != nil || o.Accepted != accepted {
				t.Errorf("%s %s: %+v %v", p, tok, o, err)
			}
		}
	}
	before := mock.Requests()
	c := mock.Client(t, siteverify.GateKeeper, nil)
	if o, _ := c.Verify(context.Background(), ""); o.Accepted || mock.Requests() != before {
		t.Errorf("the empty token reached the mock: %d -> %d", before, mock.Requests())
	}
	if _, _ = c.Verify(context.Background(), "pass"); mock.Requests() != before+1 {
		t.Errorf("requests %d, want %d", mock.Requests(), before+1)
	}
}

// The mock's site key passes where a provider takes one; another is refused.
func TestMockSiteKey(t *testing.T) {
	mock := siteverifytest.Start(t)
	for _, p := range []siteverify.Provider{siteverify.HCaptcha, siteverify.Friendly, siteverify.RecaptchaEnterprise} {
		c := mock.Client(t, p, func(cfg *siteverify.Config) { cfg.SiteKey = siteverifytest.SiteKey })
		if o, err := c.Verify(context.Background(), "pass"); err != nil || !o.Accepted {
			t.Errorf("%s with the mock's site key: %+v %v", p, o, err)
		}
		other := mock.Client(t, p, func(cfg *siteverify.Config) { cfg.SiteKey = "another-site-key" })
		if o, err := other.Verify(context.Background(), "pass"); err != nil || o.Accepted {
			t.Errorf("%s with another site key: %+v %v", p, o, err)
		}
	}
}

func TestMockTLSAndSecret(t *testing.T) {
	mock := siteverifytest.Start(t, siteverifytest.WithTLS(), siteverifytest.WithSecret("other-secret"))
	if !strings.HasPrefix(mock.URL(), "https://127.0.0.1:") || !strings.Contains(mock.CAPEM(), "BEGIN CERTIFICATE") {
		t.Fatalf("url %q, ca %.30q", mock.URL(), mock.CAPEM())
	}
	c := mock.Client(t, siteverify.GateKeeper, nil)
	if o, err := c.Verify(context.Background(), "pass"); err != nil || !o.Accepted {
		t.Fatalf("over TLS with the mock's CA: %+v %v", o, err)
	}
	// Without the CA, the certificate is refused.
	noCA := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) { cfg.CAPEM = nil })
	if o, err := noCA.Verify(context.Background(), "pass"); err != nil || o.Accepted || o.Reason != siteverify.ReasonTLSFailure {
		t.Fatalf("without the CA: %+v %v", o, err)
	}
	// Another secret is refused.
	wrong := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) { cfg.Secret = siteverifytest.DefaultSecret })
	if o, err := wrong.Verify(context.Background(), "pass"); err != nil || o.Accepted || o.Reason != siteverify.ReasonProviderRejectedRequest {
		t.Fatalf("a wrong secret: %+v %v", o, err)
	}
}

func TestMockClose(t *testing.T) {
	mock, err := siteverifytest.New()
	if err != nil {
		t.Fatal(err)
	}
	c := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) { cfg.MaxRetries = siteverify.NoRetries })
	mock.Close()
	mock.Close() // idempotent
	if mock.Endpoint(siteverify.GateKeeper) != "" || mock.Requests() != 0 {
		t.Fatal("a closed mock still answers")
	}
	if o, err := c.Verify(context.Background(), "pass"); err != nil || o.Accepted || o.Conclusive {
		t.Fatalf("a stopped mock: %+v %v", o, err)
	}
	if _, err := siteverifytest.New(siteverifytest.WithSecret("a\x00b")); err == nil {
		t.Fatal("a secret with a NUL byte was accepted")
	}
}
