//go:build ignore

// preempt_sysmon: main spawns b (records b) and then spin (records s0,
// computes for 50ms, records s1), and waits.  Scenario: preempt_sysmon.gmp.
//
// spin is runnext, so it runs first, inheriting main's time slice.  Nothing
// in spin blocks or yields: only sysmon's retake (forcePreemptNS = 10ms of
// one slice) lets b run, by preempting spin to the global queue.  Without
// preemption the order would be s0 s1 b.
package main

import (
	"sync"
	"time"
)

// work computes for d without blocking, like the scenario's `work`.
func work(d time.Duration) {
	start := time.Now()
	for time.Since(start) < d {
	}
}

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		mark("b")
		wg.Done()
	}()
	go func() {
		mark("s0")
		work(50 * time.Millisecond)
		mark("s1")
		wg.Done()
	}()
	wg.Wait()
	finish(3)
}
