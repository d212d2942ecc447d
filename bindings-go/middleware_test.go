package siteverify

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// protected is the handler behind the middleware: it reports what it saw.
func protected(t *testing.T, calls *int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*calls++
		o, ok := OutcomeFromContext(r.Context())
		if !ok || !o.Accepted {
			t.Errorf("the next handler has no accepted outcome: %+v", o)
		}
		_, _ = io.WriteString(w, "welcome "+string(o.Reason)+" "+o.Action+" "+o.ProviderReason)
	})
}

func post(t *testing.T, srv *httptest.Server, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/signup", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestMiddlewareFormField(t *testing.T) {
	c := newClient(t, Config{Provider: Prosopo})
	var calls int
	srv := httptest.NewServer(Middleware(c, MiddlewareOptions{})(protected(t, &calls)))
	defer srv.Close()

	// Prosopo's widget field, and the remote IP taken from the connection.
	code, body := post(t, srv, url.Values{"procaptcha-response": {"echo"}, "name": {"alice"}}, nil)
	if code != http.StatusOK || body != "welcome verified  ip=127.0.0.1 email=-" {
		t.Fatalf("accepted request: %d %q", code, body)
	}
	for name, form := range map[string]url.Values{
		"failed challenge": {"procaptcha-response": {"fail"}},
		"missing token":    {"name": {"alice"}},
		"wrong field":      {"captchaToken": {"pass"}},
		"provider error":   {"procaptcha-response": {"error:key=API.UNAUTHORIZED:status=401"}},
	} {
		code, body := post(t, srv, form, nil)
		if code != http.StatusForbidden || !strings.Contains(body, "CAPTCHA verification failed") {
			t.Errorf("%s: %d %q", name, code, body)
		}
	}
	if calls != 1 {
		t.Fatalf("the protected handler ran %d times, want 1", calls)
	}
}

func TestMiddlewareHeaderAndOptions(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper})
	var calls int
	var rejected []string
	mw := Middleware(c, MiddlewareOptions{
		Header:   "X-Captcha-Token",
		RemoteIP: func(r *http.Request) string { return r.Header.Get("X-Real-IP") },
		OnReject: func(w http.ResponseWriter, r *http.Request, o *Outcome, err error) {
			switch {
			case err != nil:
				rejected = append(rejected, "error "+err.(*Error).Code)
			default:
				rejected = append(rejected, string(o.Reason))
			}
			http.Error(w, "no", http.StatusTeapot)
		},
	})
	srv := httptest.NewServer(mw(protected(t, &calls)))
	defer srv.Close()

	code, body := post(t, srv, nil, map[string]string{"X-Captcha-Token": "echo", "X-Real-IP": "2001:db8::7"})
	if code != http.StatusOK || body != "welcome verified ip=2001:db8::7 email=- " {
		t.Fatalf("accepted request: %d %q", code, body)
	}
	// The form field is not read when a header is configured.
	code, _ = post(t, srv, url.Values{"captchaToken": {"pass"}}, nil)
	if code != http.StatusTeapot {
		t.Fatalf("token from the form with a header configured: %d", code)
	}
	code, _ = post(t, srv, nil, map[string]string{"X-Captcha-Token": "expired"})
	if code != http.StatusTeapot {
		t.Fatalf("expired token: %d", code)
	}
	code, _ = post(t, srv, nil, map[string]string{"X-Captcha-Token": "pass", "X-Real-IP": "not-an-ip"})
	if code != http.StatusTeapot {
		t.Fatalf("invalid remote IP: %d", code)
	}
	want := []string{"token-invalid", "token-expired-or-duplicate", "error invalid-argument"}
	if strings.Join(rejected, ",") != strings.Join(want, ",") || calls != 1 {
		t.Fatalf("rejections %v (want %v), calls %d", rejected, want, calls)
	}
}

func TestMiddlewareDefaultField(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper})
	var calls int
	srv := httptest.NewServer(Middleware(c, MiddlewareOptions{})(protected(t, &calls)))
	defer srv.Close()
	if code, _ := post(t, srv, url.Values{"captchaToken": {"pass"}}, nil); code != http.StatusOK {
		t.Fatalf("GateKeeper's default field: %d", code)
	}
	if DefaultFormField(Prosopo) != "procaptcha-response" || DefaultFormField(GateKeeper) != "captchaToken" {
		t.Fatal("default fields")
	}
}

// The request's context bounds the verification: a client that goes away
// cancels the native call.
func TestMiddlewareUsesRequestContext(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper, Timeout: 30 * time.Second, AttemptTimeout: 30 * time.Second})
	got := make(chan error, 1)
	mw := Middleware(c, MiddlewareOptions{OnReject: func(w http.ResponseWriter, r *http.Request, o *Outcome, err error) {
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
