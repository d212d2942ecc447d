package siteverify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/siteverify/siteverify/bindings-go"
	"github.com/siteverify/siteverify/bindings-go/siteverifytest"
)

// These tests run against the in-process mock (siteverifytest), as a user's
// tests would.

// protected is the handler behind the middleware: it reports the outcome it
// got from the context and what it could still read of the body.
func protected(t *testing.T, calls *int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*calls++
		o, ok := siteverify.OutcomeFromContext(r.Context())
		if !ok || !o.Accepted {
			t.Errorf("the next handler has no accepted outcome: %+v", o)
			return
		}
		_, _ = io.WriteString(w, "welcome "+string(o.Reason)+" "+o.Action+" "+o.ProviderReason)
	})
}

func do(t *testing.T, srv *httptest.Server, contentType string, body io.Reader, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/signup", body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postForm(t *testing.T, srv *httptest.Server, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	return do(t, srv, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), header)
}

func TestMiddlewareFormField(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.Prosopo, nil)
	var calls int
	srv := httptest.NewServer(siteverify.Middleware(c, siteverify.MiddlewareOptions{})(protected(t, &calls)))
	defer srv.Close()

	// Prosopo's widget field, and the remote IP taken from the connection.
	code, body := postForm(t, srv, url.Values{"procaptcha-response": {"echo"}, "name": {"alice"}}, nil)
	if code != http.StatusOK || body != "welcome verified  ip=127.0.0.1 email=-" {
		t.Fatalf("accepted request: %d %q", code, body)
	}
	for name, form := range map[string]url.Values{
		"failed challenge": {"procaptcha-response": {"fail"}},
		"missing token":    {"name": {"alice"}},
		"wrong field":      {"captchaToken": {"pass"}},
		"provider error":   {"procaptcha-response": {"error:key=API.UNAUTHORIZED:status=401"}},
	} {
		code, body := postForm(t, srv, form, nil)
		if code != http.StatusForbidden || !strings.Contains(body, "CAPTCHA verification failed") {
			t.Errorf("%s: %d %q", name, code, body)
		}
	}
	if calls != 1 {
		t.Fatalf("the protected handler ran %d times, want 1", calls)
	}
}

// The defect of issue 17: a JSON body was read as a form, so its token was
// never found (403 token-invalid). The handler can still decode the body.
func TestMiddlewareJSONBody(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.GateKeeper, nil)
	mw := siteverify.Middleware(c, siteverify.MiddlewareOptions{})
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var got struct {
			Name  string `json:"name"`
			Token string `json:"captchaToken"`
		}
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Errorf("the handler cannot decode the body: %v", err)
		}
		o, _ := siteverify.OutcomeFromContext(r.Context())
		_, _ = io.WriteString(w, got.Name+" "+got.Token+" "+string(o.Reason))
	})))
	defer srv.Close()

	code, body := do(t, srv, "application/json", strings.NewReader(`{"name":"alice","captchaToken":"pass"}`), nil)
	if code != http.StatusOK || body != "alice pass verified" {
		t.Fatalf(`{"captchaToken":"pass"}: %d %q`, code, body)
	}
	code, _ = do(t, srv, "application/json; charset=utf-8", strings.NewReader(`{"captchaToken":"fail"}`), nil)
	if code != http.StatusForbidden {
		t.Fatalf(`{"captchaToken":"fail"}: %d`, code)
	}
	for _, bad := range []string{`{"captchaToken":7}`, `["pass"]`, `{"captchaToken":`, `{}`} {
		if code, _ := do(t, srv, "application/json", strings.NewReader(bad), nil); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", bad, code)
		}
	}
	// A +json media type is JSON too.
	if code, _ := do(t, srv, "application/vnd.api+json", strings.NewReader(`{"captchaToken":"pass"}`), nil); code != http.StatusOK {
		t.Fatalf("application/vnd.api+json: %d", code)
	}
}

// A multipart form, with a file before the token: the token is found, and the
// handler parses the whole form (file included) itself.
func TestMiddlewareMultipart(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.GateKeeper, nil)
	mw := siteverify.Middleware(c, siteverify.MiddlewareOptions{})
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Errorf("the handler cannot parse the form: %v", err)
			return
		}
		f, _, err := r.FormFile("avatar")
		if err != nil {
			t.Errorf("the handler lost the file: %v", err)
			return
		}
		data, _ := io.ReadAll(f)
		_, _ = io.WriteString(w, r.FormValue("name")+" "+r.FormValue("captchaToken")+" "+string(data))
	})))
	defer srv.Close()

	send := func(token string) (int, string) {
		var buf bytes.Buffer
		mp := multipart.NewWriter(&buf)
		fw, _ := mp.CreateFormFile("avatar", "a.png")
		_, _ = fw.Write(bytes.Repeat([]byte("x"), 100_000))
		_ = mp.WriteField("name", "alice")
		if token != "" {
			_ = mp.WriteField("captchaToken", token)
		}
		_ = mp.Close()
		return do(t, srv, mp.FormDataContentType(), &buf, nil)
	}
	code, body := send("pass")
	if code != http.StatusOK || body != "alice pass "+strings.Repeat("x", 100_000) {
		t.Fatalf("multipart with pass: %d %.60q", code, body)
	}
	if code, _ := send("fail"); code != http.StatusForbidden {
		t.Fatalf("multipart with fail: %d", code)
	}
	if code, _ := send(""); code != http.StatusForbidden {
		t.Fatalf("multipart without a token: %d", code)
	}
}

// The body of a form is left for the handler, byte for byte.
func TestMiddlewareLeavesFormBody(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.GateKeeper, nil)
	srv := httptest.NewServer(siteverify.Middleware(c, siteverify.MiddlewareOptions{})(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			raw, _ := io.ReadAll(r.Body)
			_, _ = w.Write(raw)
		})))
	defer srv.Close()
	form := "name=alice&captchaToken=pass&note=" + strings.Repeat("n", 5000)
	if code, body := do(t, srv, "application/x-www-form-urlencoded", strings.NewReader(form), nil); code != http.StatusOK || body != form {
		t.Fatalf("%d, body given back: %d bytes of %d", code, len(body), len(form))
	}
}

// Rejected (403) and inconclusive under fail-closed (503) are told apart.
func TestMiddlewareRejectedVersusInconclusive(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) { cfg.MaxRetries = siteverify.NoRetries })
	var calls int
	srv := httptest.NewServer(siteverify.Middleware(c, siteverify.MiddlewareOptions{})(protected(t, &calls)))
	defer srv.Close()
	for token, want := range map[string]int{
		"pass":            http.StatusOK,
		"fail":            http.StatusForbidden,
		"expired":         http.StatusForbidden,
		"status:code=503": http.StatusServiceUnavailable,
		"error:key=invalid-input-secret:status=401": http.StatusServiceUnavailable,
	} {
		code, body := postForm(t, srv, url.Values{"captchaToken": {token}}, nil)
		if code != want {
			t.Errorf("%s: %d %q, want %d", token, code, body, want)
		}
		if code == http.StatusServiceUnavailable && !strings.Contains(body, "try again later") {
			t.Errorf("%s: body %q", token, body)
		}
	}
}

// The client IP: the connection's by default, a proxy header only when
// trusted, and a peer that is not an IP means none, never an error.
func TestMiddlewareClientIP(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.Prosopo, nil)
	reason := func(opts siteverify.MiddlewareOptions, remoteAddr string, header map[string]string) (int, string) {
		var calls int
		h := siteverify.Middleware(c, opts)(protected(t, &calls))
		req := httptest.NewRequest(http.MethodPost, "/signup", strings.NewReader("procaptcha-response=echo"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = remoteAddr
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, strings.TrimPrefix(rec.Body.String(), "welcome verified  ")
	}
	xff := map[string]string{"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
	trust := siteverify.MiddlewareOptions{TrustProxyHeader: "X-Forwarded-For"}
	for _, tc := range []struct {
		name       string
		opts       siteverify.MiddlewareOptions
		remoteAddr string
		header     map[string]string
		want       string
	}{
		{"peer IPv4", siteverify.MiddlewareOptions{}, "192.0.2.1:1234", nil, "ip=192.0.2.1 email=-"},
		{"peer IPv6", siteverify.MiddlewareOptions{}, "[2001:db8::1]:443", nil, "ip=2001:db8::1 email=-"},
		{"proxy header not trusted by default", siteverify.MiddlewareOptions{}, "192.0.2.1:1234", xff, "ip=192.0.2.1 email=-"},
		{"trusted proxy header: its last address", trust, "10.0.0.1:1234", xff, "ip=198.51.100.7 email=-"},
		{"trusted header absent: the peer", trust, "192.0.2.1:1234", nil, "ip=192.0.2.1 email=-"},
		{"trusted header not an IP: none", trust, "10.0.0.1:1234", map[string]string{"X-Forwarded-For": "unknown"}, "ip=- email=-"},
		{"test client peer", siteverify.MiddlewareOptions{}, "testclient", nil, "ip=- email=-"},
		{"unix socket peer", siteverify.MiddlewareOptions{}, "@", nil, "ip=- email=-"},
		{"empty peer", siteverify.MiddlewareOptions{}, "", nil, "ip=- email=-"},
	} {
		code, got := reason(tc.opts, tc.remoteAddr, tc.header)
		if code != http.StatusOK || got != tc.want {
			t.Errorf("%s: %d %q, want 200 %q", tc.name, code, got, tc.want)
		}
	}
	if ip := siteverify.RequestIP(&http.Request{RemoteAddr: "[fe80::1%eth0]:80"}, ""); ip != "fe80::1" {
		t.Errorf("zoned peer: %q", ip)
	}
}

func TestMiddlewareHeaderAndOptions(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.GateKeeper, nil)
	var calls int
	var rejected []string
	mw := siteverify.Middleware(c, siteverify.MiddlewareOptions{
		Header:   "X-Captcha-Token",
		RemoteIP: func(r *http.Request) string { return r.Header.Get("X-Real-IP") },
		OnReject: func(w http.ResponseWriter, r *http.Request, o *siteverify.Outcome, err error) {
			switch {
			case err != nil:
				rejected = append(rejected, "error "+err.(*siteverify.Error).Code)
			default:
				rejected = append(rejected, string(o.Reason))
			}
			http.Error(w, "no", http.StatusTeapot)
		},
	})
	srv := httptest.NewServer(mw(protected(t, &calls)))
	defer srv.Close()

	code, body := postForm(t, srv, nil, map[string]string{"X-Captcha-Token": "echo", "X-Real-IP": "2001:db8::7"})
	if code != http.StatusOK || body != "welcome verified ip=2001:db8::7 email=- " {
		t.Fatalf("accepted request: %d %q", code, body)
	}
	// The form field is not read when a header is configured.
	if code, _ = postForm(t, srv, url.Values{"captchaToken": {"pass"}}, nil); code != http.StatusTeapot {
		t.Fatalf("token from the form with a header configured: %d", code)
	}
	if code, _ = postForm(t, srv, nil, map[string]string{"X-Captcha-Token": "expired"}); code != http.StatusTeapot {
		t.Fatalf("expired token: %d", code)
	}
	// RemoteIP's answer is sent as is: the core refuses an invalid one.
	if code, _ = postForm(t, srv, nil, map[string]string{"X-Captcha-Token": "pass", "X-Real-IP": "not-an-ip"}); code != http.StatusTeapot {
		t.Fatalf("invalid remote IP: %d", code)
	}
	want := []string{"token-invalid", "token-expired-or-duplicate", "error invalid-argument"}
	if strings.Join(rejected, ",") != strings.Join(want, ",") || calls != 1 {
		t.Fatalf("rejections %v (want %v), calls %d", rejected, want, calls)
	}
}

func TestDefaultFormField(t *testing.T) {
	for p, want := range map[siteverify.Provider]string{
		siteverify.Prosopo:             "procaptcha-response",
		siteverify.GateKeeper:          "captchaToken",
		siteverify.Turnstile:           "cf-turnstile-response",
		siteverify.HCaptcha:            "h-captcha-response",
		siteverify.Recaptcha:           "g-recaptcha-response",
		siteverify.RecaptchaEnterprise: "g-recaptcha-response",
		siteverify.Friendly:            "frc-captcha-response",
		siteverify.Yandex:              "smart-token",
		"no-such-provider":             "captchaToken",
	} {
		if got := siteverify.DefaultFormField(p); got != want {
			t.Errorf("DefaultFormField(%s) = %q, want %q", p, got, want)
		}
	}
}

func TestRequestToken(t *testing.T) {
	req := func(ct, body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		return r
	}
	// A form Go has parsed already is read from r.PostForm.
	r := req("application/x-www-form-urlencoded", "t=abc")
	_ = r.ParseForm()
	if got := siteverify.RequestToken(r, "t", 0); got != "abc" {
		t.Errorf("parsed form: %q", got)
	}
	// A token past MaxBodyBytes is not found; the body still comes back whole.
	body := `{"pad":"` + strings.Repeat("p", 100) + `","t":"abc"}`
	r = req("application/json", body)
	if got := siteverify.RequestToken(r, "t", 50); got != "" {
		t.Errorf("token past the bound: %q", got)
	}
	if back, _ := io.ReadAll(r.Body); string(back) != body {
		t.Errorf("body given back: %q", back)
	}
	// A JSON request whose form was parsed (empty PostForm) still has its body.
	r = req("application/json", `{"t":"abc"}`)
	_ = r.ParseForm()
	if got := siteverify.RequestToken(r, "t", 0); got != "abc" {
		t.Errorf("JSON after ParseForm: %q", got)
	}
	// Other content types and none give no token.
	if got := siteverify.RequestToken(req("text/plain", "t=abc"), "t", 0); got != "" {
		t.Errorf("text/plain: %q", got)
	}
	if got := siteverify.RequestToken(httptest.NewRequest(http.MethodGet, "/?t=abc", nil), "t", 0); got != "" {
		t.Errorf("a query string: %q", got)
	}
}

func TestRejectStatus(t *testing.T) {
	for _, tc := range []struct {
		o    *siteverify.Outcome
		err  error
		want int
	}{
		{&siteverify.Outcome{Accepted: true, Conclusive: true}, nil, 200},
		{&siteverify.Outcome{Accepted: true}, nil, 200}, // accepted during an outage (fail-open)
		{&siteverify.Outcome{Conclusive: true}, nil, 403},
		{&siteverify.Outcome{}, nil, 503},
		{nil, siteverify.ErrInvalidArgument, 403},
		{nil, siteverify.ErrClosed, 503},
		{nil, context.Canceled, 503},
	} {
		if got := siteverify.RejectStatus(tc.o, tc.err); got != tc.want {
			t.Errorf("RejectStatus(%+v, %v) = %d, want %d", tc.o, tc.err, got, tc.want)
		}
	}
}

// The request's context bounds the verification: a client that goes away
// cancels the native call.
func TestMiddlewareUsesRequestContext(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) {
		cfg.Timeout, cfg.AttemptTimeout = 30*time.Second, 30*time.Second
	})
	got := make(chan error, 1)
	mw := siteverify.Middleware(c, siteverify.MiddlewareOptions{OnReject: func(w http.ResponseWriter, r *http.Request, o *siteverify.Outcome, err error) {
		got <- err
		w.WriteHeader(http.StatusForbidden)
	}})
	srv := httptest.NewServer(mw(http.NotFoundHandler()))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("captchaToken=hang"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the request should have timed out on the client side")
	}
	select {
	case err := <-got:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the middleware saw %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the verification did not end when the client went away")
	}
}
