//go:build ignore

// chain: main spawns three bystanders (y0 y1 y2; each only records), then
// the first link of a chain of twelve.  Link k spawns link k+1, then records
// k.  Main blocks on a WaitGroup.  Scenario: chain.gmp.
//
// Pins runnext with inherited time slices: each link's spawn puts the next
// link in runnext, and the link then exits, so schedule() takes runnext
// before the local queue every time; the bystanders (kicked to the local
// queue when the first link was spawned) run only after the whole chain.
package main

import (
	"strconv"
	"sync"
)

const links = 12

var (
	wg     sync.WaitGroup
	labels [links + 1]string
)

func link(k int) {
	if k < links {
		go link(k + 1)
	}
	mark(labels[k])
	wg.Done()
}

func main() {
	setup()
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	bystanders := [...]string{"y0", "y1", "y2"}
	wg.Add(len(bystanders) + links)
	for _, l := range bystanders {
		l := l
		go func() {
			mark(l)
			wg.Done()
		}()
	}
	go link(1)
	wg.Wait()
	finish(len(bystanders) + links)
}
