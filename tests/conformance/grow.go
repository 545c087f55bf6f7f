//go:build ignore

// grow (GOMAXPROCS 1 -> 4): main spawns a, b, c (each records its name,
// then computes for 500us), calls runtime.GOMAXPROCS(4), records m, and
// computes for 2ms.
//
// Pins procresize growing with a loaded queue and runnext.  P0 keeps its
// queue (a b) and runnext (c); the new Ps start idle.  startTheWorld
// ends with wakep, so one spinning M steals half of P0's queue; each thief
// that stops spinning wakes the next.  main keeps P0 (it never blocks), so
// every G runs on P1..P3, c (runnext) last from P0.
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(3)
	goMarkWork(&wg, "a", 5e5)
	goMarkWork(&wg, "b", 5e5)
	goMarkWork(&wg, "c", 5e5)
	runtime.GOMAXPROCS(4)
	mark("m")
	work(2e6)
	wg.Wait()
	finish(4)
}
