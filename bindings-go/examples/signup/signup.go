// Package signup is a user's form handler behind siteverify's middleware;
// signup_test.go tests it with the in-process mock provider.
package signup

import (
	"encoding/json"
	"net/http"

	"github.com/siteverify/siteverify/bindings-go"
)

// Handler serves POST /signup: a JSON body {"name": ..., "captchaToken": ...}.
func Handler(client *siteverify.Client) http.Handler {
	captcha := siteverify.Middleware(client, siteverify.MiddlewareOptions{})
	return captcha(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var form struct {
			Name string `json:"name"`
		}
		// The middleware has read the token and put the body back.
		if err := json.NewDecoder(r.Body).Decode(&form); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		outcome, _ := siteverify.OutcomeFromContext(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]any{"welcome": form.Name, "reason": outcome.Reason})
	}))
}
