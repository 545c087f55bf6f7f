//go:build ignore

// pingpong: main and an echo goroutine exchange four round trips over two
// unbuffered channels; in every round echo also spawns a fresh goroutine
// (f1..f4, each only records).  Scenario: pingpong.gmp.
//
// Main blocks sending on ping; echo's receive takes the value straight
// from the parked sender and goready()s main into echo's runnext.
//   - odd rounds spawn before the receive: goready into runnext kicks the
//     freshly spawned G to the local queue's tail;
//   - even rounds spawn after the receive: the spawn kicks the readied
//     main to the tail instead.
package main

import "sync"

func main() {
	setup()
	var wg sync.WaitGroup
	ping := make(chan int)
	pong := make(chan int)
	fresh := func(l string) {
		mark(l)
		wg.Done()
	}
	wg.Add(5)
	go func() {
		go fresh("f1")
		<-ping
		mark("e1")
		pong <- 0

		<-ping
		go fresh("f2")
		mark("e2")
		pong <- 0

		go fresh("f3")
		<-ping
		mark("e3")
		pong <- 0

		<-ping
		go fresh("f4")
		mark("e4")
		pong <- 0
		wg.Done()
	}()
	ping <- 0
	mark("m1")
	<-pong
	ping <- 0
	mark("m2")
	<-pong
	ping <- 0
	mark("m3")
	<-pong
	ping <- 0
	mark("m4")
	<-pong
	wg.Wait()
	finish(12)
}
