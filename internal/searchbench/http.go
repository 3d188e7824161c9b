package searchbench

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/server"
)

// overHTTP serves the whole application (server.Handler, with all its middleware) on a loopback port and
// drives GET /api/v1/offers with the mix from opts.HTTPWorkers keep-alive clients for opts.HTTPDuration: a
// closed loop, so the rate is what the server sustains with that many requests in flight. The search log is
// left out, so the benchmark writes nothing into the database it measures.
func overHTTP(ctx context.Context, opts Options, idx *search.Index, mix []*benchQuery, rep *Report) error {
	bundle, err := i18n.New()
	if err != nil {
		return errs.Wrap(err, "i18n")
	}
	h, err := server.Handler(server.Deps{Store: opts.Source, I18n: bundle, Log: opts.Log, Search: idx, Version: "bench"})
	if err != nil {
		return errs.Wrap(err, "handler")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return errs.Wrap(err, "listen")
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String() + "/api/v1/offers?"
	urls := make([]string, len(mix))
	for i, bq := range mix {
		urls[i] = base + bq.params.Encode()
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: opts.HTTPWorkers, MaxIdleConnsPerHost: opts.HTTPWorkers, DisableCompression: true}}
	defer client.CloseIdleConnections()

	// One round first: it checks every query answers 200 and warms the connections.
	for _, u := range urls {
		if err := get(ctx, client, u); err != nil {
			return err
		}
	}
	// Workers start no request after the deadline but finish the one under way, so none is cut off.
	deadline := time.Now().Add(opts.HTTPDuration)
	var next, failed atomic.Int64
	lat := make([][]time.Duration, opts.HTTPWorkers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range opts.HTTPWorkers {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				u := urls[int(next.Add(1))%len(urls)]
				t := time.Now()
				if err := get(ctx, client, u); err != nil {
					failed.Add(1)
					continue
				}
				lat[w] = append(lat[w], time.Since(t))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	rep.HTTPWorkers = opts.HTTPWorkers
	rep.HTTPRequests, rep.HTTPErrors = len(all), int(failed.Load())
	rep.HTTPRPS = float64(len(all)) / elapsed.Seconds()
	rep.HTTPP50MS = us(percentile(all, 50)) / 1000
	rep.HTTPP99MS = us(percentile(all, 99)) / 1000
	return nil
}

var errStatus = errors.New("unexpected status")

func get(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return errs.Wrap(err, "request")
	}
	resp, err := c.Do(req)
	if err != nil {
		return errs.Wrap(err, "GET "+u)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return errs.Wrap(err, "read "+u)
	}
	if resp.StatusCode != http.StatusOK {
		return errs.Wrap(errStatus, resp.Status+" for "+u)
	}
	return nil
}
