package siteverify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// MiddlewareOptions configures Middleware, VerifyRequest and the Gin and
// Echo adapters. The zero value works.
type MiddlewareOptions struct {
	// FormField is the field holding the token, in a form
	// (application/x-www-form-urlencoded), multipart (multipart/form-data)
	// or JSON (application/json, a top-level string member) body. Default:
	// the provider's widget field, DefaultFormField.
	FormField string
	// Header, when set, is the request header holding the token instead of
	// a body field (for fetch/XHR clients).
	Header string
	// TrustProxyHeader names a header set by your reverse proxy with the
	// end user's address ("X-Forwarded-For", "X-Real-IP"...). Off by
	// default: only set it when every request comes through a proxy that
	// overwrites or appends to it, since a client can send any header. The
	// last address of the header is used (the one your proxy added); when
	// the header is absent the connection's address is used, and when its
	// last element is not an IP address no address is sent.
	TrustProxyHeader string
	// RemoteIP, when set, replaces the lookup above: it returns the end
	// user's IP address to send with the token ("" sends none). What it
	// returns is sent as is (the core refuses an invalid address with
	// ErrInvalidArgument).
	RemoteIP func(r *http.Request) string
	// MaxBodyBytes bounds how much of the body is read to find the token
	// (default 10 MiB). The body is put back for the handler whatever was
	// read; a token past the bound is not found.
	MaxBodyBytes int64
	// OnReject answers a request that was not accepted: outcome is set for
	// a verdict, err for a failed call (then outcome is nil). Default: 403
	// for a rejection, 503 for an inconclusive outcome or a failed call
	// (RejectStatus), with a short plain-text body.
	OnReject func(w http.ResponseWriter, r *http.Request, outcome *Outcome, err error)
}

type outcomeKey struct{}

// OutcomeFromContext returns the Outcome Middleware (or an adapter) stored
// for the next handler.
func OutcomeFromContext(ctx context.Context) (*Outcome, bool) {
	o, ok := ctx.Value(outcomeKey{}).(*Outcome)
	return o, ok
}

// ContextWithOutcome returns ctx carrying o, for OutcomeFromContext. The
// framework adapters use it; so can a handler that verifies by itself.
func ContextWithOutcome(ctx context.Context, o *Outcome) context.Context {
	return context.WithValue(ctx, outcomeKey{}, o)
}

// DefaultFormField is the widget's form field for a provider:
// "procaptcha-response" (Prosopo), "captchaToken" (GateKeeper, as in its own
// examples), "cf-turnstile-response" (Turnstile), "h-captcha-response"
// (HCaptcha), "g-recaptcha-response" (Recaptcha, RecaptchaEnterprise),
// "frc-captcha-response" (Friendly), "smart-token" (Yandex). Another name
// gives "captchaToken".
func DefaultFormField(p Provider) string {
	switch p {
	case Prosopo:
		return "procaptcha-response"
	case Turnstile:
		return "cf-turnstile-response"
	case HCaptcha:
		return "h-captcha-response"
	case Recaptcha, RecaptchaEnterprise:
		return "g-recaptcha-response"
	case Friendly:
		return "frc-captcha-response"
	case Yandex:
		return "smart-token"
	}
	return "captchaToken"
}

// RejectStatus is the HTTP status for a request that was not accepted: 403
// Forbidden for a conclusive verdict (a bad, expired or reused token, a
// failed check) and for an invalid argument (a token that is not UTF-8);
// 503 Service Unavailable for an inconclusive outcome (the provider down,
// a configuration problem: retrying later can help) and for any other
// failed call. It only reads Outcome.Conclusive: the verdict is the core's.
func RejectStatus(outcome *Outcome, err error) int {
	switch {
	case err != nil && errors.Is(err, ErrInvalidArgument):
		return http.StatusForbidden
	case err != nil || outcome == nil:
		return http.StatusServiceUnavailable
	case outcome.Accepted:
		return http.StatusOK
	case !outcome.Conclusive:
		return http.StatusServiceUnavailable
	}
	return http.StatusForbidden
}

// RejectMessage is the default plain-text answer for RejectStatus's status.
func RejectMessage(status int) string {
	if status == http.StatusServiceUnavailable {
		return "CAPTCHA verification unavailable, try again later"
	}
	return "CAPTCHA verification failed"
}

// Middleware verifies the CAPTCHA token of every request before the next
// handler runs (VerifyRequest). An accepted request goes on, with its
// Outcome available through OutcomeFromContext and its body intact; any
// other gets 403 or 503 (RejectStatus), or OnReject. The request's context
// bounds the verification. A missing token is verified as the empty token,
// which the core rejects locally (reason token-invalid).
//
// Wrap only the handlers that receive the widget's submission.
func Middleware(client *Client, opts MiddlewareOptions) func(http.Handler) http.Handler {
	reject := opts.OnReject
	if reject == nil {
		reject = func(w http.ResponseWriter, _ *http.Request, o *Outcome, err error) {
			status := RejectStatus(o, err)
			http.Error(w, RejectMessage(status), status)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			outcome, err := VerifyRequest(client, r, opts)
			if err != nil || !outcome.Accepted {
				reject(w, r, outcome, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(ContextWithOutcome(r.Context(), outcome)))
		})
	}
}

// VerifyRequest reads the token (RequestToken) and the end user's address
// (RequestIP) as opts say, and verifies them within r's context. The body is
// left readable for the handler.
func VerifyRequest(client *Client, r *http.Request, opts MiddlewareOptions) (*Outcome, error) {
	field := opts.FormField
	if field == "" {
		field = DefaultFormField(client.Provider())
	}
	var token string
	if opts.Header != "" {
		token = r.Header.Get(opts.Header)
	} else {
		token = RequestToken(r, field, opts.MaxBodyBytes)
	}
	var ip string
	if opts.RemoteIP != nil {
		ip = opts.RemoteIP(r)
	} else {
		ip = RequestIP(r, opts.TrustProxyHeader)
	}
	var vopts []VerifyOption
	if ip != "" {
		vopts = append(vopts, WithRemoteIP(ip))
	}
	return client.Verify(r.Context(), token, vopts...)
}

// RequestIP is the end user's IP address: the host of r.RemoteAddr, or,
// when trustHeader is set and present, the last address in that header
// (see MiddlewareOptions.TrustProxyHeader). "" when it is not an IP address
// (a Unix socket, a test client's made-up peer): then no address is sent.
func RequestIP(r *http.Request, trustHeader string) string {
	if trustHeader != "" {
		if values := r.Header.Values(trustHeader); len(values) > 0 {
			last := values[len(values)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			return parseIP(strings.TrimSpace(last))
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return parseIP(host)
}

func parseIP(s string) string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	return a.WithZone("").Unmap().String()
}

// defaultMaxBody is MaxBodyBytes' default.
const defaultMaxBody = 10 << 20

// RequestToken returns the value of field from r's body: a form, a
// multipart form (a plain field, not a file) or a JSON object (a top-level
// string member), by Content-Type; "" when absent. Form values Go has
// already parsed (r.PostForm, r.MultipartForm) are used as they are.
// Otherwise at most maxBody bytes (<= 0: 10 MiB) are read, and r.Body is
// replaced by a reader that gives the whole body again, so that the handler
// reads it, parses it (r.ParseForm, r.FormValue, r.MultipartReader) or
// decodes it as if nothing had happened.
func RequestToken(r *http.Request, field string, maxBody int64) string {
	if r.PostForm != nil {
		if v, ok := r.PostForm[field]; ok && len(v) > 0 {
			return v[0]
		}
	}
	if r.MultipartForm != nil {
		if v := r.MultipartForm.Value[field]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if r.Body == nil || r.Body == http.NoBody {
		return ""
	}
	if maxBody <= 0 {
		maxBody = defaultMaxBody
	}
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	switch {
	case mediaType == "application/x-www-form-urlencoded":
		if r.PostForm != nil {
			return "" // parsed already, without the field
		}
		body := peek(r, maxBody)
		values, err := url.ParseQuery(string(body))
		if err != nil {
			return ""
		}
		return values.Get(field)
	case mediaType == "multipart/form-data":
		boundary := params["boundary"]
		if boundary == "" {
			return ""
		}
		var seen bytes.Buffer
		orig := r.Body
		defer func() { r.Body = rebody(seen.Bytes(), orig) }()
		mr := multipart.NewReader(io.TeeReader(io.LimitReader(orig, maxBody), &seen), boundary)
		for {
			part, err := mr.NextPart()
			if err != nil {
				return ""
			}
			if part.FormName() == field && part.FileName() == "" {
				v, err := io.ReadAll(io.LimitReader(part, 64<<10))
				if err != nil {
					return ""
				}
				return string(v)
			}
		}
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		body := peek(r, maxBody)
		var members map[string]json.RawMessage
		if json.Unmarshal(body, &members) != nil {
			return ""
		}
		var token string
		if json.Unmarshal(members[field], &token) != nil {
			return ""
		}
		return token
	}
	return ""
}

// peek reads up to max bytes of r's body and puts them back in front of the
// rest.
func peek(r *http.Request, max int64) []byte {
	orig := r.Body
	body, _ := io.ReadAll(io.LimitReader(orig, max))
	r.Body = rebody(body, orig)
	return body
}

// rebody is a body that gives read again, then the rest of orig; closing it
// closes orig.
func rebody(read []byte, orig io.ReadCloser) io.ReadCloser {
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(read), orig), orig}
}
