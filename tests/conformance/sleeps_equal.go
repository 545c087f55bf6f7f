//go:build ignore

// sleeps_equal: four goroutines (q1..q4, spawned in order) each sleep 1ms
// and record their name.  Main waits on a WaitGroup.
// Scenario: sleeps_equal.gmp.
//
// The sleeps start in run order (q4 first, by runnext, then q1 q2 q3), so
// their deadlines are a few hundred nanoseconds apart.  The M sleeps in
// the netpoller with millisecond granularity, so usually all four timers
// have expired when it wakes and one checkTimers pass readies them all in
// deadline order; each goready goes to runnext and kicks the previous one,
// so the last deadline runs first.  Whether they expire in one pass or
// several depends on real time: this order is not fully deterministic.
package main

import (
	"sync"
	"time"
)

func main() {
	setup()
	var wg sync.WaitGroup
	sleeper := func(l string) {
		time.Sleep(time.Millisecond)
		mark(l)
		wg.Done()
	}
	wg.Add(4)
	go sleeper("q1")
	go sleeper("q2")
	go sleeper("q3")
	go sleeper("q4")
	wg.Wait()
	finish(4)
}
