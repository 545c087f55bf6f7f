//go:build ignore

// mp.go is linked into the multi-P conformance programs (their .build
// files name it after the program's source): the scenario's `work` and
// `syscall` as Go code.
package main

import (
	"sync"
	"syscall"
	"time"
)

// goMarkWork starts a goroutine that records l, computes for d and calls
// wg.Done.
func goMarkWork(wg *sync.WaitGroup, l string, d time.Duration) {
	go func() {
		mark(l)
		work(d)
		wg.Done()
	}()
}

// work computes for d without blocking: a busy loop on the clock, with a
// call (a preemption point) in every iteration, like the scenario's `work`.
func work(d time.Duration) {
	start := time.Now()
	for time.Since(start) < d {
	}
}

// blockingSyscall blocks the M in the kernel for d, through syscall.Syscall
// (entersyscall/exitsyscall), like the scenario's `syscall`.
func blockingSyscall(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}
