package siteverify_test

// The README's short snippets, compiled: each function body below is a code
// block of README.md, marked <!-- example: NAME --> (readme_test.go checks
// that they are identical). They are compiled by every test build, never run.

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/siteverify/siteverify/bindings-go"
)

// Compiled, never run: the references keep them in every test build.
var _ = []any{readmeVerify, readmeStats, readmeNew}

func readmeVerify(ctx context.Context, client *siteverify.Client, token, ip string) error {
	outcome, err := client.Verify(ctx, token, siteverify.WithRemoteIP(ip))
	if err != nil {
		return err // ctx ended, the client is closed, or an invalid argument
	}
	if !outcome.Accepted {
		return fmt.Errorf("captcha: %s", outcome.Reason)
	}
	return nil
}

func readmeStats(client *siteverify.Client) error {
	stats, err := client.Stats()
	if err != nil {
		return err
	}
	log.Printf("verifications=%d fail_open_suspected=%d outage_refused=%d provider=%s",
		stats.Verifications, stats.FailOpenSuspected, stats.OutageRefused, stats.ProviderHealth)
	return nil
}

func readmeNew(cfg siteverify.Config) {
	client, err := siteverify.New(cfg)
	if errors.Is(err, siteverify.ErrConfiguration) {
		var e *siteverify.Error
		errors.As(err, &e)
		log.Fatalf("captcha misconfigured (%s): %s", e.Code, e.Message)
	} else if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
}
