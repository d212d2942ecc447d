// Command demo is `make demo`: it verifies one token against the mock at
// $SITEVERIFY_DEMO_URL and prints the outcome as one line of JSON, with the
// core's field names.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/siteverify/siteverify/bindings-go"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(2)
	}
}

func run() error {
	base := os.Getenv("SITEVERIFY_DEMO_URL")
	if base == "" {
		return fmt.Errorf("set SITEVERIFY_DEMO_URL to the mock's base URL")
	}
	client, err := siteverify.New(siteverify.Config{
		Provider:          siteverify.GateKeeper,
		Secret:            "mock-secret",
		Endpoint:          base + "/api/v1/token/verify",
		ExpectedHostnames: []string{"example.com"},
	})
	if err != nil {
		return err
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	outcome, err := client.Verify(ctx, "pass:score=0.2")
	if err != nil {
		return err
	}
	// The same JSON as the core's sv_outcome_to_json.
	line, err := json.Marshal(outcome)
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	return nil
}
