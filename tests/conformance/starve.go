//go:build ignore

// starve (GOMAXPROCS 2): h holds a sync.Mutex 20 times for 100us each,
// recording h after each unlock; w computes for 300us, then locks, records w
// and unlocks.
//
// Pins sync.Mutex starvation mode.  In normal mode h, still running,
// re-locks right after each unlock (barging) before the woken w has even
// been scheduled, and w goes back to sleep.  Once w has waited 1ms
// (starvationThresholdNs) it sets mutexStarving, and h's next Unlock hands
// the mutex straight to w (semrelease with handoff): w records after about
// ten of h's rounds.  Without starvation mode w would usually record last.
package main

import "sync"

func main() {
	setup()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wg.Add(2)
	go func() {
		for i := 0; i < 20; i++ {
			mu.Lock()
			work(1e5)
			mu.Unlock()
			mark("h")
		}
		wg.Done()
	}()
	go func() {
		work(3e5)
		mu.Lock()
		mark("w")
		mu.Unlock()
		wg.Done()
	}()
	wg.Wait()
	finish(21)
}
