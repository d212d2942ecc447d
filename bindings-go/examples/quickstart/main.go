// Command quickstart verifies one CAPTCHA token with siteverify.
//
//	SITEVERIFY_SECRET=mock-secret go run ./examples/quickstart http://127.0.0.1:PORT/api/v1/token/verify 'pass:score=0.2'
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/siteverify/siteverify/bindings-go"
)

func main() { os.Exit(run()) }

func run() int {
	if len(os.Args) != 3 {
		fmt.Fprintf(os.Stderr, "usage: %s ENDPOINT TOKEN (secret in $SITEVERIFY_SECRET)\n", os.Args[0])
		return 2
	}

	// Build once at startup and share the client: it is safe for concurrent
	// use and keeps connections open.
	client, err := siteverify.New(siteverify.Config{
		Provider:          siteverify.GateKeeper,
		Secret:            os.Getenv("SITEVERIFY_SECRET"),
		Endpoint:          os.Args[1], // leave empty for the provider's own endpoint
		ExpectedHostnames: []string{"example.com"},
		ScoreThreshold:    siteverify.Threshold(0.5),
		FailMode:          siteverify.FailClosed,
	})
	if errors.Is(err, siteverify.ErrConfiguration) {
		fmt.Fprintf(os.Stderr, "configuration error: %v\n", err)
		return 2
	} else if err != nil {
		fmt.Fprintf(os.Stderr, "cannot create the client: %v\n", err)
		return 2
	}
	defer client.Close()

	// Per request: the token from the form field, the user's IP, and the
	// request's context (here: at most 5 seconds).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	outcome, err := client.Verify(ctx, os.Args[2], siteverify.WithRemoteIP("203.0.113.7"))
	if err != nil {
		// ctx ended (context.DeadlineExceeded), or the call was wrong.
		fmt.Fprintf(os.Stderr, "verify failed: %v\n", err)
		return 2
	}

	fmt.Printf("accepted=%t reason=%s\n", outcome.Accepted, outcome.Reason)
	if !outcome.Conclusive {
		fmt.Fprintln(os.Stderr, "warning: provider gave no definitive answer")
	}
	if !outcome.Accepted {
		return 1
	}
	return 0
}
