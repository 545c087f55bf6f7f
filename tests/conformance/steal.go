//go:build ignore

// steal: main spawns a, b, c, d (each records its name, then computes for
// 1ms) and computes for 3ms itself before recording m.  Run with
// GOMAXPROCS 2 (steal_p2) and 8 (steal_p8).
//
// Pins work stealing.  Every spawn puts the new G in P0's runnext (kicking
// the previous one to the local queue) and calls wakep, which starts one
// spinning M.  Main never blocks, so every G runs on another P: a spinning
// M's findrunnable steals half of P0's local queue (runqgrab), runs the
// first G and keeps the rest in its own queue; leaving the spinning state it
// calls wakep again, so another M spins and steals.  d, in runnext, is
// stolen last, only after the thief sleeps 3us (runqgrab's usleep) and
// finds P0 still running.
package main

import "sync"

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(4)
	goMarkWork(&wg, "a", 1e6)
	goMarkWork(&wg, "b", 1e6)
	goMarkWork(&wg, "c", 1e6)
	goMarkWork(&wg, "d", 1e6)
	work(3e6)
	mark("m")
	wg.Wait()
	finish(5)
}
