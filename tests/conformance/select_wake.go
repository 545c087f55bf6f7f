//go:build ignore

// select_wake: two goroutines (s1 s2) each block in a select receiving
// from x or y (both unbuffered, both empty); main yields so they park, then
// sends on x, records mx, sends on y, records my, and waits.  Each selector
// records s<k><channel> when it wakes.  Scenario: select_wake.gmp.
//
// Pins: a blocked select enqueues one sudog per case on every channel; a
// send dequeues the first waiter in park order, skipping sudogs whose
// select already fired (selectDone); each wakeup is a goready into
// runnext, so the second one woken runs first.
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg sync.WaitGroup
	x := make(chan int)
	y := make(chan int)
	selector := func(onx, ony string) {
		select {
		case <-x:
			mark(onx)
		case <-y:
			mark(ony)
		}
		wg.Done()
	}
	wg.Add(2)
	go selector("s1x", "s1y")
	go selector("s2x", "s2y")
	runtime.Gosched()
	x <- 0
	mark("mx")
	y <- 0
	mark("my")
	wg.Wait()
	finish(4)
}
