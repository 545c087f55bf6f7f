//go:build ignore

// closewake: three receivers (r1 r2 r3) each record w<k>, then block
// receiving from an unbuffered channel; main yields (runtime.Gosched) so
// they park, records c, closes the channel, records m, and waits.  Each
// receiver records r<k> when the close wakes it.  Scenario: closewake.gmp.
//
// Pins closechan: it dequeues every waiter from recvq (FIFO, the order they
// parked) onto a gList, which is a stack, then pops the stack calling goready
// on each, so the Gs are readied in reverse park order; every goready goes
// to runnext and kicks the previous one to the local queue.  Main keeps
// running after the close (goready never preempts the caller).
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg sync.WaitGroup
	c := make(chan int)
	receiver := func(wait, woke string) {
		mark(wait)
		<-c
		mark(woke)
		wg.Done()
	}
	wg.Add(3)
	go receiver("w1", "r1")
	go receiver("w2", "r2")
	go receiver("w3", "r3")
	runtime.Gosched()
	mark("c")
	close(c)
	mark("m")
	wg.Wait()
	finish(8)
}
