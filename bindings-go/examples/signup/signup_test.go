package signup_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/siteverify/siteverify/bindings-go"
	"github.com/siteverify/siteverify/bindings-go/examples/signup"
	"github.com/siteverify/siteverify/bindings-go/siteverifytest"
)

func TestSignup(t *testing.T) {
	mock := siteverifytest.Start(t) // in-process, stopped when the test ends
	client, err := siteverify.New(mock.Config(siteverify.GateKeeper))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	handler := signup.Handler(client)

	for token, want := range map[string]int{
		"pass":            http.StatusOK,                 // a solved challenge
		"fail":            http.StatusForbidden,          // a failed one
		"expired":         http.StatusForbidden,          // expired or reused
		"":                http.StatusForbidden,          // no token at all
		"status:code=503": http.StatusServiceUnavailable, // the provider is down
	} {
		body := `{"name":"alice","captchaToken":"` + token + `"}`
		req := httptest.NewRequest(http.MethodPost, "/signup", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("token %q: status %d, want %d", token, rec.Code, want)
		}
	}
}
