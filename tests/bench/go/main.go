// The same four workloads as tests/bench/bench_runtime.c, on the real Go
// runtime (GOMAXPROCS=1), printing ns per operation and, with -trace,
// the cost of runtime/trace and its bytes per Gosched.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/trace"
	"time"
)

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func gosched(n int) time.Duration {
	t := time.Now()
	for i := 0; i < n; i++ {
		runtime.Gosched()
	}
	return time.Since(t)
}

func spawnExit(n int) time.Duration {
	t := time.Now()
	for i := 0; i < n; i++ {
		go func() {}()
		runtime.Gosched()
	}
	return time.Since(t)
}

func chanRTT(n int) time.Duration {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			v := <-ping
			pong <- v
		}
	}()
	t := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	return time.Since(t)
}

func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var pages, res int64
	fmt.Sscan(string(b), &pages, &res)
	return res * int64(os.Getpagesize())
}

func blockedMem(n int) float64 {
	c := make(chan int)
	runtime.GC()
	before := rss()
	for i := 0; i < n; i++ {
		go func() { <-c }()
	}
	time.Sleep(10 * time.Millisecond)
	return float64(rss()-before) / float64(n)
}

func best(f func(int) time.Duration, n int) float64 {
	b := 1e18
	for r := 0; r < 3; r++ {
		d := float64(f(n).Nanoseconds()) / float64(n)
		if d < b {
			b = d
		}
	}
	return b
}

func main() {
	n := flag.Int("n", 2000000, "iterations")
	withTrace := flag.Bool("trace", false, "also measure Gosched under runtime/trace")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	fmt.Printf("go_gosched %.1f\n", best(gosched, *n))
	fmt.Printf("go_spawn_exit %.1f\n", best(spawnExit, *n/2))
	fmt.Printf("go_chan_rtt %.1f\n", best(chanRTT, *n/2))
	if *withTrace {
		cw := &countWriter{}
		trace.Start(io.Writer(cw))
		d := best(gosched, *n)
		trace.Stop()
		fmt.Printf("go_gosched_traced %.1f\n", d)
		fmt.Printf("go_trace_bytes_per_gosched %.2f\n", float64(cw.n)/float64(3**n))
	}
	fmt.Printf("go_blocked_mem %.0f\n", blockedMem(100000))
}
