//go:build ignore

// sleeps: five goroutines sleep 3ms, 1ms, 2ms, 5ms and 4ms (spawned in that
// order) and record t<ms> when they wake.  Main waits on a WaitGroup.
// Scenario: sleeps.gmp.
//
// Pins timers: time.Sleep parks on the P's timer heap; with every G asleep
// the M blocks in the netpoller until the earliest timer, and checkTimers
// goready()s the expired ones.  Wakeups 1ms apart come out in deadline
// order (unless a wakeup is delayed past the next deadline).
package main

import (
	"sync"
	"time"
)

func main() {
	setup()
	var wg sync.WaitGroup
	sleeper := func(d time.Duration, l string) {
		time.Sleep(d)
		mark(l)
		wg.Done()
	}
	wg.Add(5)
	go sleeper(3*time.Millisecond, "t3")
	go sleeper(1*time.Millisecond, "t1")
	go sleeper(2*time.Millisecond, "t2")
	go sleeper(5*time.Millisecond, "t5")
	go sleeper(4*time.Millisecond, "t4")
	wg.Wait()
	finish(5)
}
