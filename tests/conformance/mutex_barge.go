//go:build ignore

// mutex_barge: as mutex_handoff, but after unlocking main locks the mutex
// again at once, records m, and unlocks.  Scenario: mutex_barge.gmp.
//
// Pins sync.Mutex's normal mode: Unlock wakes the oldest waiter but does
// not hand it the lock; the running unlocker re-acquires it first
// (barging), and its second Unlock wakes nobody because a woken waiter is
// already pending (mutexWoken).  A handoff (FIFO-ownership) mutex would
// instead make main queue behind all three waiters: w3 w1 w2 m.
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
	mu.Lock()
	mark("m")
	mu.Unlock()
	wg.Wait()
	finish(4)
}
