//go:build ignore

// mutex_handoff: main locks a sync.Mutex, spawns three waiters (w1 w2 w3:
// lock, record, unlock), yields so they block, unlocks, records m, and
// waits.  Scenario: mutex_handoff.gmp.
//
// Pins the wakeup order of blocked lockers: they park on the mutex's
// semaphore in arrival order (w3 first, by runnext); Unlock wakes the
// oldest one with semrelease, a goready into the unlocker's runnext; each
// waiter's Unlock wakes the next.  The waits are far below sync.Mutex's
// 1ms starvation threshold, so the mutex stays in normal mode.
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg sync.WaitGroup
	var mu sync.Mutex
	waiter := func(l string) {
		mu.Lock()
		mark(l)
		mu.Unlock()
		wg.Done()
	}
	mu.Lock()
	wg.Add(3)
	go waiter("w1")
	go waiter("w2")
	go waiter("w3")
	runtime.Gosched()
	mu.Unlock()
	mark("m")
	wg.Wait()
	finish(4)
}
