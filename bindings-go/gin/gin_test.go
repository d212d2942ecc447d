package siteverifygin_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/siteverify/siteverify/bindings-go"
	siteverifygin "github.com/siteverify/siteverify/bindings-go/gin"
	"github.com/siteverify/siteverify/bindings-go/siteverifytest"
)

type signup struct {
	Name  string `json:"name" form:"name"`
	Token string `json:"captchaToken" form:"captchaToken"`
}

// router is a user's Gin app: the handler binds the body the middleware has
// already read, and reads the outcome both ways.
func router(t *testing.T, client *siteverify.Client, opts siteverify.MiddlewareOptions) *gin.Engine {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.POST("/signup", siteverifygin.Middleware(client, opts), func(c *gin.Context) {
		var s signup
		if err := c.ShouldBind(&s); err != nil {
			t.Errorf("the handler cannot bind the body: %v", err)
		}
		o, ok := siteverifygin.Outcome(c)
		o2, ok2 := siteverify.OutcomeFromContext(c.Request.Context())
		if !ok || !ok2 || o != o2 || !o.Accepted {
			t.Errorf("outcome in the handler: %+v %v / %+v %v", o, ok, o2, ok2)
			return
		}
		c.JSON(http.StatusOK, gin.H{"name": s.Name, "reason": o.Reason, "action": o.Action})
	})
	return r
}

func serve(r http.Handler, ct string, body *bytes.Buffer, remoteAddr string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/signup", body)
	req.Header.Set("Content-Type", ct)
	if remoteAddr != "" {
		req.RemoteAddr = remoteAddr
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%d %q: %v", rec.Code, rec.Body.String(), err)
	}
	return m
}

func TestGinBodies(t *testing.T) {
	mock := siteverifytest.Start(t)
	r := router(t, mock.Client(t, siteverify.GateKeeper, nil), siteverify.MiddlewareOptions{})

	jsonBody := func(tok string) *bytes.Buffer {
		return bytes.NewBufferString(`{"name":"alice","captchaToken":"` + tok + `"}`)
	}
	formBody := func(tok string) *bytes.Buffer {
		return bytes.NewBufferString("name=alice&captchaToken=" + tok)
	}
	var ct string
	multipartBody := func(tok string) *bytes.Buffer {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("name", "alice")
		_ = w.WriteField("captchaToken", tok)
		_ = w.Close()
		ct = w.FormDataContentType()
		return &b
	}
	for _, tc := range []struct {
		name string
		body func(string) *bytes.Buffer
		ct   func() string
	}{
		{"json", jsonBody, func() string { return "application/json" }},
		{"form", formBody, func() string { return "application/x-www-form-urlencoded" }},
		{"multipart", multipartBody, func() string { return ct }},
	} {
		body := tc.body("echo")
		rec := serve(r, tc.ct(), body, "")
		if got := decode(t, rec); rec.Code != 200 || got["name"] != "alice" || got["reason"] != "verified" || got["action"] != "ip=192.0.2.1 email=-" {
			t.Errorf("%s accepted: %d %v", tc.name, rec.Code, got)
		}
		body = tc.body("fail")
		rec = serve(r, tc.ct(), body, "")
		if got := decode(t, rec); rec.Code != 403 || got["reason"] != "token-invalid" || got["error"] != "CAPTCHA verification failed" {
			t.Errorf("%s rejected: %d %v", tc.name, rec.Code, got)
		}
	}
}

func TestGinInconclusiveAndPeer(t *testing.T) {
	mock := siteverifytest.Start(t)
	client := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) { cfg.MaxRetries = siteverify.NoRetries })
	r := router(t, client, siteverify.MiddlewareOptions{})
	rec := serve(r, "application/json", bytes.NewBufferString(`{"captchaToken":"status:code=503"}`), "")
	if got := decode(t, rec); rec.Code != 503 || got["reason"] != "provider-unavailable" {
		t.Fatalf("provider down: %d %v", rec.Code, got)
	}
	// A peer that is not an IP: no IP is sent, no 500.
	rec = serve(r, "application/json", bytes.NewBufferString(`{"captchaToken":"echo"}`), "testclient")
	if got := decode(t, rec); rec.Code != 200 || got["action"] != "ip=- email=-" {
		t.Fatalf("non-IP peer: %d %v", rec.Code, got)
	}
	// A proxy header counts only when trusted.
	trusted := router(t, client, siteverify.MiddlewareOptions{TrustProxyHeader: "X-Real-IP"})
	for h, want := range map[http.Handler]string{r: "ip=192.0.2.1 email=-", trusted: "ip=203.0.113.5 email=-"} {
		req := httptest.NewRequest(http.MethodPost, "/signup", strings.NewReader(`{"captchaToken":"echo"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Real-IP", "203.0.113.5")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := decode(t, rec); rec.Code != 200 || got["action"] != want {
			t.Errorf("X-Real-IP: %d %v, want %s", rec.Code, got, want)
		}
	}
}

func TestGinOnReject(t *testing.T) {
	mock := siteverifytest.Start(t)
	client := mock.Client(t, siteverify.Prosopo, nil)
	var ran bool
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.POST("/signup", siteverifygin.Middleware(client, siteverify.MiddlewareOptions{
		OnReject: func(w http.ResponseWriter, _ *http.Request, o *siteverify.Outcome, err error) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte("captcha: " + string(o.Reason)))
		},
	}), func(c *gin.Context) { ran = true })
	rec := serve(r, "application/x-www-form-urlencoded", bytes.NewBufferString("procaptcha-response=expired"), "")
	if rec.Code != http.StatusUnprocessableEntity || rec.Body.String() != "captcha: token-expired-or-duplicate" || ran {
		t.Fatalf("%d %q, handler ran: %v", rec.Code, rec.Body.String(), ran)
	}
}
