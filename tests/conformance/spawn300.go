//go:build ignore

// spawn300: main spawns 300 goroutines (more than a P's 256-slot local run
// queue holds), each records its group label, then main blocks on a
// WaitGroup.  Scenario: spawn300.gmp.
//
// A scenario has at most 64 bodies, so the goroutines come in 60 groups of
// five consecutive spawns; every goroutine of group k records k.  The order
// of the 300 first steps pins:
//   - runqputslow: the 258th spawn kicks the 257th G into a full local queue,
//     so half the queue (128 Gs) plus the kicked G move to the global queue;
//   - globrunqget: once the local queue is empty the P takes a batch from the
//     global queue (at most half the local queue's capacity);
//   - the schedtick%61 fairness check, which takes one G from the global
//     queue in the middle of running the local queue.
package main

import (
	"strconv"
	"sync"
)

const (
	groups    = 60
	groupSize = 5
)

func main() {
	setup()
	var labels [groups]string
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	var wg sync.WaitGroup
	wg.Add(groups * groupSize)
	for k := 0; k < groups; k++ {
		l := labels[k]
		for j := 0; j < groupSize; j++ {
			go func() {
				mark(l)
				wg.Done()
			}()
		}
	}
	wg.Wait()
	finish(groups * groupSize)
}
