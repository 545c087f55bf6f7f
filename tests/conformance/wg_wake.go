//go:build ignore

// wg_wake: three goroutines (w1 w2 w3) wait on a WaitGroup whose counter is
// 1; main yields so they park, calls Done (counter to zero), records m, and
// waits on a second WaitGroup for them.  Each waiter records its name when
// released.  Scenario: wg_wake.gmp.
//
// Pins WaitGroup's release: Done to zero calls semrelease once per waiter,
// waking them in park order (FIFO semaphore queue), each a goready into
// main's runnext that kicks the previous one: the last released runs first,
// then the others in release order.
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg, fin sync.WaitGroup
	waiter := func(l string) {
		wg.Wait()
		mark(l)
		fin.Done()
	}
	wg.Add(1)
	fin.Add(3)
	go waiter("w1")
	go waiter("w2")
	go waiter("w3")
	runtime.Gosched()
	wg.Done()
	mark("m")
	fin.Wait()
	finish(4)
}
