// Command siteverify-bench is make bench's Go client: net/http with one shared Transport
// (the best native client) beside siteverify's Verify, sequential and with 64 goroutines,
// against the zero-logic nginx. Usage: siteverify-bench <base-url>; SV_BENCH_N,
// SV_BENCH_ROUNDS, SV_BENCH_WARMUP, SV_BENCH_ONLY (one row alone). Prints `ROW\t<label>\t<ops>\t<wall s>\t<cpu s>` per round
// (cpu: getrusage of this process). No timing assertions.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	siteverify "github.com/siteverify/siteverify/bindings-go"
)

const token = "bench-token"

func env(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func cpu() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

func die(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench (go): "+format+"\n", a...)
	os.Exit(1)
}

// perfControl: under make bench-profile, SV_BENCH_PERF_CTL/SV_BENCH_PERF_ACK are perf's
// --control fifos; "enable"/"disable" bracket the measured rounds, each waiting for perf's ack.
func perfControl(command string) {
	ctl, ack := os.Getenv("SV_BENCH_PERF_CTL"), os.Getenv("SV_BENCH_PERF_ACK")
	if ctl == "" || ack == "" {
		return
	}
	if err := os.WriteFile(ctl, []byte(command+"\n"), 0); err != nil {
		die("perf control fifo: %v", err)
	}
	f, err := os.Open(ack)
	if err != nil {
		die("perf ack fifo: %v", err)
	}
	defer f.Close()
	if _, err := bufio.NewReader(f).ReadString('\n'); err != nil {
		die("perf ack fifo: %v", err)
	}
}

func measure(label string, op func() bool, width int) {
	if only := os.Getenv("SV_BENCH_ONLY"); only != "" && only != label {
		return
	}
	n, rounds, warm := env("SV_BENCH_N", 2000), env("SV_BENCH_ROUNDS", 5), env("SV_BENCH_WARMUP", 500)
	run := func(k int) {
		if width <= 1 {
			for i := 0; i < k; i++ {
				if !op() {
					die("%s: a verification was not accepted", label)
				}
			}
			return
		}
		var left atomic.Int64
		left.Store(int64(k))
		var wg sync.WaitGroup
		var failed atomic.Bool
		for w := 0; w < width; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for left.Add(-1) >= 0 {
					if !op() {
						failed.Store(true)
					}
				}
			}()
		}
		wg.Wait()
		if failed.Load() {
			die("%s: a verification was not accepted", label)
		}
	}
	run(warm)
	perfControl("enable")
	for r := 0; r < rounds; r++ {
		c0, t0 := cpu(), time.Now()
		run(n)
		wall, used := time.Since(t0).Seconds(), cpu()-c0
		fmt.Printf("ROW\t%s\t%d\t%.6f\t%.6f\n", label, n, wall, used)
	}
	perfControl("disable")
}

func main() {
	if len(os.Args) < 2 {
		die("usage: siteverify-bench <base-url>")
	}
	url := os.Args[1] + "/siteverify"
	body, _ := json.Marshal(map[string]string{"secret": "bench-secret", "token": token})

	// The best native client: one shared Transport, enough idle connections for 64 in flight.
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: 90 * time.Second}
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	native := func() bool {
		resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			return false
		}
		var v struct {
			Verified bool `json:"verified"`
		}
		return json.Unmarshal(b, &v) == nil && v.Verified
	}

	client, err := siteverify.New(siteverify.Config{Provider: siteverify.Prosopo, Secret: "bench-secret", Endpoint: url})
	if err != nil {
		die("siteverify.New: %v", err)
	}
	defer client.Close()
	ctx := context.Background()
	sv := func() bool {
		o, err := client.Verify(ctx, token)
		return err == nil && o.Accepted
	}

	measure("go net/http shared Transport, sequential", native, 1)
	measure("go siteverify Verify, sequential", sv, 1)
	measure("go net/http shared Transport, 64 goroutines", native, 64)
	measure("go siteverify Verify, 64 goroutines", sv, 64)
}
