//go:build ignore

// wakep (GOMAXPROCS 4): main spawns a, b, c (each records its name, then
// computes for 500us), computes for 2ms, records m.
//
// Pins spinning Ms and wakep.  Only one M spins at a time: the first
// spawn's wakep starts it, and the later spawns' wakep calls see
// nmspinning != 0 and do nothing.  The spinning M steals a and b (half of
// P0's queue) and, as it stops spinning with work in hand, calls wakep for
// the next M, which steals from P0 (c, in runnext, after runqgrab's 3us
// sleep) or from the first thief's queue (b).  The order of a, b, c is the
// order in which thieves got them.
package main

import "sync"

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(3)
	goMarkWork(&wg, "a", 5e5)
	goMarkWork(&wg, "b", 5e5)
	goMarkWork(&wg, "c", 5e5)
	work(2e6)
	mark("m")
	wg.Wait()
	finish(4)
}
