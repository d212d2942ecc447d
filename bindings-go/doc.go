// Package siteverify verifies CAPTCHA tokens (Prosopo Procaptcha, GateKeeper
// gkCAPTCHA, Cloudflare Turnstile, hCaptcha, reCAPTCHA v2/v3 and Enterprise,
// Friendly Captcha, Yandex SmartCaptcha: see Provider) on the server, through
// libsiteverify, the project's Rust core, over its C ABI.
//
//	client, err := siteverify.New(siteverify.Config{
//		Provider: siteverify.Prosopo,
//		Secret:   os.Getenv("PROSOPO_SECRET"),
//	})
//	if err != nil { ... } // errors.Is(err, siteverify.ErrConfiguration)
//	defer client.Close()
//
//	outcome, err := client.Verify(ctx, token, siteverify.WithRemoteIP(ip))
//	if err != nil { ... } // ctx ended, or the call was wrong
//	if !outcome.Accepted { ... } // 403
//
// Build one Client per configuration at startup and share it between
// goroutines. Every verdict, including "provider unreachable", is an
// Outcome; act on Outcome.Accepted only. Middleware wraps a net/http handler.
//
// # Build and link
//
// The package uses cgo. By default it links the static archive of the
// workspace build (run `make build` at the repository root first):
// ../target/release/libsiteverify.a with -lpthread -ldl -lm. With
// `-tags siteverify_dynamic` it links ../target/release/libsiteverify.so
// instead, with an rpath to that directory. README.md shows how to link a
// library installed elsewhere.
package siteverify
