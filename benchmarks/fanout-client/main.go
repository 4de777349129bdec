// fanout-client: the native load generator of benchmarks/notifications_fanout.py. It holds N WebSocket connections
// and notes, for every frame that carries an event id, when each client received it, so that what is measured is the
// server, not a client that falls behind (the Python asyncio client did at 10k connections).
//
// Connections: -url URL -n N (the same URL N times, the Node peer), or -urls FILE (one URL a line, each with its own
// single-use ticket, notification-service). With -hello a connection counts as ready once the server's hello frame
// (contracts/websocket/schemas/hello.schema.json) has arrived; every ping is answered with a pong of the same nonce, as
// contracts/asyncapi asks.
//
// It talks JSON lines: on stdout {"kind":"ready",...} once every connection is open (or {"kind":"error",...} and
// exit 1), then one line per request read on stdin:
//
//	{"report":[{"id":"<event id>","sent_ns":<unix ns>}, ...],"timeout_s":60}
//
// waits until every client has received each of those ids (or the timeout) and answers
//
//	{"kind":"report","events":k,"clients":n,"received":r,"fanout_ms":[...],"latency_ms":{"p50":..,"p99":..,"max":..}}
//
// fanout_ms: per event, its sent_ns to the last client's receipt; latency_ms: over every (client, event) receipt.
// End of stdin closes the connections and exits.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

type frame struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Nonce string `json:"nonce"`
}

type pong struct {
	Type  string `json:"type"`
	Nonce string `json:"nonce"`
}

// arrivals: receipt times (unix ns) per event id, one per client that got it.
type arrivals struct {
	mu     sync.Mutex
	byID   map[string][]int64
	notify chan struct{}
}

func (a *arrivals) add(id string, at int64) {
	a.mu.Lock()
	a.byID[id] = append(a.byID[id], at)
	a.mu.Unlock()
	select {
	case a.notify <- struct{}{}:
	default:
	}
}

func (a *arrivals) count(id string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.byID[id])
}

func (a *arrivals) take(id string) []int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	times := a.byID[id]
	delete(a.byID, id)
	return times
}

type request struct {
	Report []struct {
		ID     string `json:"id"`
		SentNs int64  `json:"sent_ns"`
	} `json:"report"`
	TimeoutS float64 `json:"timeout_s"`
}

func main() {
	url := flag.String("url", "", "WebSocket URL, opened -n times")
	n := flag.Int("n", 0, "connections to -url")
	urlsFile := flag.String("urls", "", "file of WebSocket URLs, one connection each")
	hello := flag.Bool("hello", false, "ready only once the server's hello frame arrived")
	dialers := flag.Int("concurrency", 100, "handshakes in flight at once")
	connectTimeout := flag.Duration("connect-timeout", 120*time.Second, "for all connections together")
	flag.Parse()

	urls, err := targets(*url, *n, *urlsFile)
	if err != nil {
		fail(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := &arrivals{byID: map[string][]int64{}, notify: make(chan struct{}, 1)}
	// One transport for every handshake: the connections are hijacked, so it pools nothing.
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, DisableKeepAlives: true}}

	started := time.Now()
	conns := make([]*websocket.Conn, len(urls))
	var ready sync.WaitGroup
	var failures atomic.Int64
	var firstFailure atomic.Value
	slots := make(chan struct{}, *dialers)
	dialCtx, dialCancel := context.WithTimeout(ctx, *connectTimeout)
	defer dialCancel()
	for i, target := range urls {
		ready.Add(1)
		slots <- struct{}{}
		go func(i int, target string) {
			greeted := make(chan struct{})
			conn, _, err := websocket.Dial(dialCtx, target, &websocket.DialOptions{HTTPClient: client,
				CompressionMode: websocket.CompressionDisabled})
			if err != nil {
				failures.Add(1)
				firstFailure.CompareAndSwap(nil, err.Error())
				<-slots
				ready.Done()
				return
			}
			conns[i] = conn
			go read(ctx, conn, seen, greeted)
			if *hello {
				select {
				case <-greeted:
				case <-dialCtx.Done():
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, "no hello frame in time")
				}
			}
			<-slots
			ready.Done()
		}(i, target)
	}
	ready.Wait()
	out := json.NewEncoder(os.Stdout)
	if failures.Load() > 0 {
		out.Encode(map[string]any{"kind": "error", "failed": failures.Load(), "of": len(urls),
			"first": firstFailure.Load()})
		os.Exit(1)
	}
	out.Encode(map[string]any{"kind": "ready", "clients": len(urls), "connect_s": time.Since(started).Seconds()})

	input := bufio.NewScanner(os.Stdin)
	input.Buffer(make([]byte, 1<<20), 64<<20)
	for input.Scan() {
		var asked request
		if err := json.Unmarshal(input.Bytes(), &asked); err != nil {
			out.Encode(map[string]any{"kind": "error", "first": "bad request: " + err.Error()})
			continue
		}
		out.Encode(report(seen, asked, len(urls)))
	}
	for _, conn := range conns {
		if conn != nil {
			conn.CloseNow()
		}
	}
}

func targets(url string, n int, urlsFile string) ([]string, error) {
	if urlsFile != "" {
		text, err := os.ReadFile(urlsFile)
		if err != nil {
			return nil, err
		}
		return strings.Fields(string(text)), nil
	}
	if url == "" || n < 1 {
		return nil, errors.New("give -url and -n, or -urls")
	}
	urls := make([]string, n)
	for i := range urls {
		urls[i] = url
	}
	return urls, nil
}

func read(ctx context.Context, conn *websocket.Conn, seen *arrivals, greeted chan struct{}) {
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return
		}
		at := time.Now().UnixNano()
		var got frame
		if json.Unmarshal(data, &got) != nil {
			continue
		}
		switch got.Type {
		case "hello":
			close(greeted)
		case "ping":
			answer, _ := json.Marshal(pong{Type: "pong", Nonce: got.Nonce})
			if conn.Write(ctx, websocket.MessageText, answer) != nil {
				return
			}
		case "event", "broadcast":
			seen.add(got.ID, at)
		}
	}
}

func report(seen *arrivals, asked request, clients int) map[string]any {
	timeout := time.Duration(asked.TimeoutS * float64(time.Second))
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	deadline := time.Now().Add(timeout)
	for _, event := range asked.Report {
		for seen.count(event.ID) < clients && time.Now().Before(deadline) {
			select {
			case <-seen.notify:
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	fanouts := make([]float64, 0, len(asked.Report))
	latencies := make([]float64, 0, len(asked.Report)*clients)
	received := 0
	for _, event := range asked.Report {
		times := seen.take(event.ID)
		received += len(times)
		last := int64(0)
		for _, at := range times {
			latencies = append(latencies, float64(at-event.SentNs)/1e6)
			if at > last {
				last = at
			}
		}
		if len(times) > 0 {
			fanouts = append(fanouts, float64(last-event.SentNs)/1e6)
		}
	}
	sort.Float64s(latencies)
	return map[string]any{"kind": "report", "events": len(asked.Report), "clients": clients, "received": received,
		"fanout_ms": fanouts, "latency_ms": map[string]float64{"p50": quantile(latencies, 0.50),
			"p99": quantile(latencies, 0.99), "max": quantile(latencies, 1)}}
}

func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return -1
	}
	index := int(q*float64(len(sorted))+0.5) - 1
	if index < 0 {
		index = 0
	}
	if index >= len(sorted) {
		index = len(sorted) - 1
	}
	return sorted[index]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fanout-client:", err)
	os.Exit(2)
}
