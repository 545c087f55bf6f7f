//go:build ignore

// bufchan: five senders on a channel of capacity 2, and a receiver that
// first yields (runtime.Gosched) so that the senders fill the buffer and
// block, then drains five values.  Senders record after their send,
// the receiver after each receive.  Scenario: bufchan.gmp.
//
// Pins: a full buffer parks senders on sendq in arrival order; a receive
// from a full channel with a waiting sender takes the buffer's head, moves
// the sender's value to the tail, and goready()s the sender into the
// receiver's runnext, so each wakeup kicks the previous one to the local
// queue: the last sender woken runs first.
package main

import (
	"runtime"
	"sync"
)

func main() {
	setup()
	var wg sync.WaitGroup
	c := make(chan int, 2)
	sender := func(l string) {
		c <- 0
		mark(l)
		wg.Done()
	}
	wg.Add(6)
	go sender("s1")
	go sender("s2")
	go sender("s3")
	go sender("s4")
	go sender("s5")
	go func() {
		runtime.Gosched()
		<-c
		mark("r1")
		<-c
		mark("r2")
		<-c
		mark("r3")
		<-c
		mark("r4")
		<-c
		mark("r5")
		wg.Done()
	}()
	wg.Wait()
	finish(10)
}
