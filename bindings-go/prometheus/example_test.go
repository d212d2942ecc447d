package siteverifyprom_test

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/siteverify/siteverify/bindings-go"
	siteverifyprom "github.com/siteverify/siteverify/bindings-go/prometheus"
)

func Example() {
	metrics := siteverifyprom.New()
	prometheus.MustRegister(metrics)

	client, err := siteverify.New(siteverify.Config{
		Provider: siteverify.GateKeeper,
		Secret:   "...",
		OnEvent:  metrics.Observe, // counts every verification of this client
		Logger:   slog.Default(),  // and logs it (not accepted at Info)
	})
	if err != nil {
		panic(err)
	}
	defer client.Close()

	http.Handle("GET /metrics", promhttp.Handler())
	_ = http.ListenAndServe("127.0.0.1:9090", nil)
}
