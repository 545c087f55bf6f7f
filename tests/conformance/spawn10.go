//go:build ignore

// spawn10: main spawns ten goroutines, goroutine i records i, then main
// blocks on a WaitGroup.  Scenario: spawn10.gmp.
//
// Pins runnext: newproc puts each new G in the spawner's runnext and kicks
// the previous runnext to the local queue's tail, so the last G spawned
// runs first and the rest run in spawn order: 9 0 1 2 3 4 5 6 7 8.
package main

import (
	"strconv"
	"sync"
)

func main() {
	setup()
	const n = 10
	var labels [n]string
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		l := labels[i]
		go func() {
			mark(l)
			wg.Done()
		}()
	}
	wg.Wait()
	finish(n)
}
