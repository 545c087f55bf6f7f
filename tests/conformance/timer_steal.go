//go:build ignore

// timer_steal (GOMAXPROCS 2): s sleeps 1ms with its timer on P0, while
// main computes for 5ms on P0; s records s when it wakes, main records m.
//
// Pins timer stealing.  main sleeps 100us first, so s runs on P0 (runnext)
// and its timer goes into P0's heap; main wakes and computes, and P0 does
// not schedule again for 5ms, so it never runs its own timers.  Another M
// must: sysmon sees a timer past due (timeSleepUntil) and starts an M, or
// the last M to go idle waits in netpoll for the earliest timer of any P;
// its findrunnable runs P0's timers from stealWork (checkTimers on the
// victim) and s is readied onto the thief's P.  Without timer stealing the
// order would be m s.
package main

import (
	"sync"
	"time"
)

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		time.Sleep(time.Millisecond)
		mark("s")
		wg.Done()
	}()
	time.Sleep(100 * time.Microsecond)
	work(5e6)
	mark("m")
	wg.Wait()
	finish(2)
}
