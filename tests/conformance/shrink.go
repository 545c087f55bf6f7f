//go:build ignore

// shrink (GOMAXPROCS 4 -> 1): main spawns x1, x2, x3 (each computes for
// 2ms, then records its name) and computes for 500us, so that they run on
// P1..P3; then spawns c1 and c2 (each records its name) into P0's queue
// and runnext, calls runtime.GOMAXPROCS(1), records m and waits.
//
// Pins procresize shrinking with loaded Ps.  stopTheWorld preempts the
// running x's (each goes to the global queue, in the order it stops) and
// procresize destroys P1..P3, moving whatever their runnext and local
// queues hold to the global queue.  P0 keeps c2 (runnext) and c1 (local
// queue).  main continues, then parks: c2, c1, and the x's in global
// queue order finish their work on the one P.
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(5)
	x := func(l string) {
		work(2e6)
		mark(l)
		wg.Done()
	}
	c := func(l string) {
		mark(l)
		wg.Done()
	}
	go x("x1")
	go x("x2")
	go x("x3")
	work(5e5)
	go c("c1")
	go c("c2")
	runtime.GOMAXPROCS(1)
	mark("m")
	wg.Wait()
	finish(6)
}
