// Package siteverifygin verifies CAPTCHA tokens in Gin handlers: a
// gin.HandlerFunc over siteverify.VerifyRequest, in a module of its own so
// that the siteverify module keeps no dependencies.
//
//	r.POST("/signup", siteverifygin.Middleware(client, siteverify.MiddlewareOptions{}), signup)
//
// The token is read from a form, multipart or JSON body (the body stays
// readable: c.ShouldBindJSON, c.PostForm... work as usual) or a header; the
// client IP from the connection, or a proxy header when
// MiddlewareOptions.TrustProxyHeader says so (Gin's own c.ClientIP() is not
// used: it trusts X-Forwarded-For unless told otherwise).
package siteverifygin

import (
	"github.com/gin-gonic/gin"

	"github.com/siteverify/siteverify/bindings-go"
)

// ContextKey is the gin.Context key holding the *siteverify.Outcome of an
// accepted request.
const ContextKey = "siteverify.outcome"

// Middleware verifies the request's token before the next handlers run. An
// accepted request goes on with its outcome in the Gin context (Outcome) and
// in the request's context (siteverify.OutcomeFromContext). Any other is
// aborted with siteverify.RejectStatus (403 rejected, 503 inconclusive) and
// a JSON body {"error": message, "reason": reason}, unless opts.OnReject
// answers it (with c.Writer and c.Request; the chain is aborted after it).
func Middleware(client *siteverify.Client, opts siteverify.MiddlewareOptions) gin.HandlerFunc {
	return func(c *gin.Context) {
		outcome, err := siteverify.VerifyRequest(client, c.Request, opts)
		if err == nil && outcome.Accepted {
			c.Set(ContextKey, outcome)
			c.Request = c.Request.WithContext(siteverify.ContextWithOutcome(c.Request.Context(), outcome))
			c.Next()
			return
		}
		if opts.OnReject != nil {
			opts.OnReject(c.Writer, c.Request, outcome, err)
			c.Abort()
			return
		}
		status := siteverify.RejectStatus(outcome, err)
		body := gin.H{"error": siteverify.RejectMessage(status)}
		if outcome != nil {
			body["reason"] = outcome.Reason
		}
		c.AbortWithStatusJSON(status, body)
	}
}

// Outcome returns the outcome Middleware stored for an accepted request.
func Outcome(c *gin.Context) (*siteverify.Outcome, bool) {
	v, ok := c.Get(ContextKey)
	if !ok {
		return nil, false
	}
	o, ok := v.(*siteverify.Outcome)
	return o, ok
}
