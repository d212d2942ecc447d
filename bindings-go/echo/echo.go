// Package siteverifyecho verifies CAPTCHA tokens in Echo handlers: an
// echo.MiddlewareFunc over siteverify.VerifyRequest, in a module of its own
// so that the siteverify module keeps no dependencies.
//
//	e.POST("/signup", signup, siteverifyecho.Middleware(client, siteverify.MiddlewareOptions{}))
//
// The token is read from a form, multipart or JSON body (the body stays
// readable: c.Bind, c.FormValue... work as usual) or a header; the client IP
// from the connection, or a proxy header when
// MiddlewareOptions.TrustProxyHeader says so (Echo's c.RealIP() is not used:
// it trusts X-Forwarded-For unless an IPExtractor is set).
package siteverifyecho

import (
	"github.com/labstack/echo/v4"

	"github.com/siteverify/siteverify/bindings-go"
)

// ContextKey is the echo.Context key holding the *siteverify.Outcome of an
// accepted request.
const ContextKey = "siteverify.outcome"

// Middleware verifies the request's token before the handler runs. An
// accepted request goes on with its outcome in the Echo context (Outcome)
// and in the request's context (siteverify.OutcomeFromContext). Any other
// returns an *echo.HTTPError with siteverify.RejectStatus (403 rejected, 503
// inconclusive) for Echo's error handler to render, its Internal error
// being the call's error if any; unless opts.OnReject answers it (with
// c.Response() and c.Request()).
func Middleware(client *siteverify.Client, opts siteverify.MiddlewareOptions) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			outcome, err := siteverify.VerifyRequest(client, r, opts)
			if err == nil && outcome.Accepted {
				c.Set(ContextKey, outcome)
				c.SetRequest(r.WithContext(siteverify.ContextWithOutcome(r.Context(), outcome)))
				return next(c)
			}
			if opts.OnReject != nil {
				opts.OnReject(c.Response(), r, outcome, err)
				return nil
			}
			status := siteverify.RejectStatus(outcome, err)
			he := echo.NewHTTPError(status, siteverify.RejectMessage(status))
			if err != nil {
				he = he.SetInternal(err)
			}
			return he
		}
	}
}

// Outcome returns the outcome Middleware stored for an accepted request.
func Outcome(c echo.Context) (*siteverify.Outcome, bool) {
	o, ok := c.Get(ContextKey).(*siteverify.Outcome)
	return o, ok
}
