//go:build ignore

// gosched_p2 (GOMAXPROCS 2): a, b and c each twice record their name and
// call runtime.Gosched(); main waits.
//
// Pins Gosched into the global queue under contention.  Three Gs share two
// Ps, so each Gosched puts the G on the global queue while the other P
// runs; an M whose local queue is empty takes a batch from the global
// queue (globrunqget: at most len/GOMAXPROCS+1), so the two Ps share the
// yielded Gs between them, and which P gets which decides the order.
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(3)
	g := func(l string) {
		for i := 0; i < 2; i++ {
			mark(l)
			runtime.Gosched()
		}
		wg.Done()
	}
	go g("a")
	go g("b")
	go g("c")
	wg.Wait()
	finish(6)
}
