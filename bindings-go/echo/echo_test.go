package siteverifyecho_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/siteverify/siteverify/bindings-go"
	siteverifyecho "github.com/siteverify/siteverify/bindings-go/echo"
	"github.com/siteverify/siteverify/bindings-go/siteverifytest"
)

type signup struct {
	Name  string `json:"name" form:"name"`
	Token string `json:"procaptcha-response" form:"procaptcha-response"`
}

// app is a user's Echo app: the handler binds the body the middleware has
// already read, and reads the outcome both ways.
func app(t *testing.T, client *siteverify.Client, opts siteverify.MiddlewareOptions) *echo.Echo {
	e := echo.New()
	e.POST("/signup", func(c echo.Context) error {
		var s signup
		if err := c.Bind(&s); err != nil {
			t.Errorf("the handler cannot bind the body: %v", err)
		}
		o, ok := siteverifyecho.Outcome(c)
		o2, ok2 := siteverify.OutcomeFromContext(c.Request().Context())
		if !ok || !ok2 || o != o2 || !o.Accepted {
			t.Errorf("outcome in the handler: %+v %v / %+v %v", o, ok, o2, ok2)
		}
		return c.JSON(http.StatusOK, map[string]string{"name": s.Name, "token": s.Token, "reason": string(o.Reason), "ip": o.ProviderReason})
	}, siteverifyecho.Middleware(client, opts))
	return e
}

func serve(h http.Handler, ct, body, remoteAddr string, header map[string]string) (int, map[string]string) {
	req := httptest.NewRequest(http.MethodPost, "/signup", strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	if remoteAddr != "" {
		req.RemoteAddr = remoteAddr
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]string
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m
}

func TestEchoBodies(t *testing.T) {
	mock := siteverifytest.Start(t)
	e := app(t, mock.Client(t, siteverify.Prosopo, nil), siteverify.MiddlewareOptions{})
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	_ = w.WriteField("name", "alice")
	_ = w.WriteField("procaptcha-response", "echo")
	_ = w.Close()
	for name, req := range map[string][2]string{
		"json":      {"application/json", `{"name":"alice","procaptcha-response":"echo"}`},
		"form":      {"application/x-www-form-urlencoded", "name=alice&procaptcha-response=echo"},
		"multipart": {w.FormDataContentType(), mp.String()},
	} {
		code, got := serve(e, req[0], req[1], "", nil)
		if code != 200 || got["name"] != "alice" || got["token"] != "echo" || got["reason"] != "verified" || got["ip"] != "ip=192.0.2.1 email=-" {
			t.Errorf("%s: %d %v", name, code, got)
		}
		code, got = serve(e, req[0], strings.ReplaceAll(req[1], "echo", "fail"), "", nil)
		if code != 403 || got["message"] != "CAPTCHA verification failed" {
			t.Errorf("%s rejected: %d %v", name, code, got)
		}
	}
}

func TestEchoInconclusiveAndPeer(t *testing.T) {
	mock := siteverifytest.Start(t)
	client := mock.Client(t, siteverify.Prosopo, func(cfg *siteverify.Config) { cfg.MaxRetries = siteverify.NoRetries })
	e := app(t, client, siteverify.MiddlewareOptions{})
	if code, got := serve(e, "application/json", `{"procaptcha-response":"status:code=503"}`, "", nil); code != 503 {
		t.Fatalf("provider down: %d %v", code, got)
	}
	// A peer that is not an IP: no IP is sent, no 500.
	if code, got := serve(e, "application/json", `{"procaptcha-response":"echo"}`, "@", nil); code != 200 || got["ip"] != "ip=- email=-" {
		t.Fatalf("unix socket peer: %d %v", code, got)
	}
	// A proxy header counts only when trusted.
	xff := map[string]string{"X-Forwarded-For": "198.51.100.4"}
	if _, got := serve(e, "application/json", `{"procaptcha-response":"echo"}`, "", xff); got["ip"] != "ip=192.0.2.1 email=-" {
		t.Fatalf("untrusted X-Forwarded-For: %v", got)
	}
	trusted := app(t, client, siteverify.MiddlewareOptions{TrustProxyHeader: "X-Forwarded-For"})
	if _, got := serve(trusted, "application/json", `{"procaptcha-response":"echo"}`, "", xff); got["ip"] != "ip=198.51.100.4 email=-" {
		t.Fatalf("trusted X-Forwarded-For: %v", got)
	}
}

func TestEchoOnReject(t *testing.T) {
	mock := siteverifytest.Start(t)
	e := echo.New()
	ran := false
	e.POST("/signup", func(echo.Context) error { ran = true; return nil },
		siteverifyecho.Middleware(mock.Client(t, siteverify.GateKeeper, nil), siteverify.MiddlewareOptions{
			Header: "X-Captcha",
			OnReject: func(w http.ResponseWriter, _ *http.Request, o *siteverify.Outcome, err error) {
				http.Error(w, "captcha: "+string(o.Reason), http.StatusUnprocessableEntity)
			},
		}))
	req := httptest.NewRequest(http.MethodPost, "/signup", nil)
	req.Header.Set("X-Captcha", "expired")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnprocessableEntity || rec.Body.String() != "captcha: token-expired-or-duplicate\n" || ran {
		t.Fatalf("%d %q, handler ran: %v", rec.Code, rec.Body.String(), ran)
	}
}
