// Command middleware protects a sign-up form with Prosopo Procaptcha.
//
//	PROSOPO_SECRET=... go run ./examples/middleware
//
// Against the mock: PROSOPO_SECRET=mock-secret PROSOPO_ENDPOINT=http://127.0.0.1:PORT/siteverify
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/siteverify/siteverify/bindings-go"
)

func main() {
	client, err := siteverify.New(siteverify.Config{
		Provider: siteverify.Prosopo,
		Secret:   os.Getenv("PROSOPO_SECRET"),
		Endpoint: os.Getenv("PROSOPO_ENDPOINT"), // empty: Prosopo's own endpoint
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	// Reads the widget's "procaptcha-response" field (form, multipart or
	// JSON body), sends the connection's IP, answers 403 for a rejection
	// and 503 when the provider cannot be asked.
	captcha := siteverify.Middleware(client, siteverify.MiddlewareOptions{})

	mux := http.NewServeMux()
	mux.Handle("POST /signup", captcha(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outcome, _ := siteverify.OutcomeFromContext(r.Context())
		fmt.Fprintf(w, "welcome, %s (reason: %s)\n", r.PostFormValue("name"), outcome.Reason)
	})))

	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on http://%s", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}
