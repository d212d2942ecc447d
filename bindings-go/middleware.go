package siteverify

import (
	"context"
	"net"
	"net/http"
)

// MiddlewareOptions configures Middleware. The zero value works.
type MiddlewareOptions struct {
	// FormField is the form field holding the token. Default: the
	// provider's widget field, "procaptcha-response" for Prosopo and
	// "captchaToken" (as in GateKeeper's own example) for GateKeeper.
	FormField string
	// Header, when set, is the request header holding the token instead of
	// a form field (for fetch/XHR clients).
	Header string
	// RemoteIP returns the end user's IP address to send with the token.
	// Default: the host part of r.RemoteAddr. Behind a reverse proxy, return
	// the client address your proxy vouches for. Return "" to send none.
	RemoteIP func(r *http.Request) string
	// OnReject answers a request that was not accepted: outcome is set for
	// a verdict, err for a failed call (then outcome is nil). Default: 403
	// with a short plain-text body.
	OnReject func(w http.ResponseWriter, r *http.Request, outcome *Outcome, err error)
}

type outcomeKey struct{}

// OutcomeFromContext returns the Outcome Middleware stored for the next
// handler.
func OutcomeFromContext(ctx context.Context) (*Outcome, bool) {
	o, ok := ctx.Value(outcomeKey{}).(*Outcome)
	return o, ok
}

// DefaultFormField is the widget's form field for a provider.
func DefaultFormField(p Provider) string {
	if p == Prosopo {
		return "procaptcha-response"
	}
	return "captchaToken"
}

// Middleware verifies the CAPTCHA token of every request before the next
// handler runs. An accepted request goes on, with its Outcome available
// through OutcomeFromContext; any other gets 403 (or OnReject). The request's
// context bounds the verification. A missing token is verified as the empty
// token, which the core rejects locally (reason token-invalid).
//
// Wrap only the handlers that receive the widget's submission (a form POST).
func Middleware(client *Client, opts MiddlewareOptions) func(http.Handler) http.Handler {
	field := opts.FormField
	if field == "" {
		field = DefaultFormField(client.Provider())
	}
	remoteIP := opts.RemoteIP
	if remoteIP == nil {
		remoteIP = func(r *http.Request) string {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				return ""
			}
			return host
		}
	}
	reject := opts.OnReject
	if reject == nil {
		reject = func(w http.ResponseWriter, _ *http.Request, _ *Outcome, _ error) {
			http.Error(w, "CAPTCHA verification failed", http.StatusForbidden)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var token string
			if opts.Header != "" {
				token = r.Header.Get(opts.Header)
			} else {
				token = r.PostFormValue(field)
			}
			var vopts []VerifyOption
			if ip := remoteIP(r); ip != "" {
				vopts = append(vopts, WithRemoteIP(ip))
			}
			outcome, err := client.Verify(r.Context(), token, vopts...)
			if err != nil || !outcome.Accepted {
				reject(w, r, outcome, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), outcomeKey{}, outcome)))
		})
	}
}
