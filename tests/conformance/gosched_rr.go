//go:build ignore

// gosched_rr: four goroutines (A B C D) each loop 50 times: record their
// name, then runtime.Gosched().  Main waits on a WaitGroup.
// Scenario: gosched_rr.gmp.
//
// Pins Gosched (goschedImpl puts the G on the global queue, not the local
// one), globrunqget's batch size when the local queue is empty
// (min(runqsize, runqsize/GOMAXPROCS+1, 128)), and the schedtick%61 check
// that takes one G from the global queue ahead of the local queue: it
// shows up as a G running twice in a row in an otherwise round-robin order.
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg sync.WaitGroup
	const rounds = 50
	body := func(l string) {
		for i := 0; i < rounds; i++ {
			mark(l)
			runtime.Gosched()
		}
		wg.Done()
	}
	wg.Add(4)
	go body("A")
	go body("B")
	go body("C")
	go body("D")
	wg.Wait()
	finish(4 * rounds)
}
