//go:build ignore

// syscall_handoff: main spawns a and b (each records its name), enters a
// blocking system call for 5ms (nanosleep), records m, and waits.
// Scenario: syscall_handoff.gmp.
//
// Pins the hand-off of a P blocked in a system call: entersyscall leaves
// the P in _Psyscall; sysmon's retake sees the same syscalltick on two
// passes with a non-empty run queue and calls handoffp, which starts
// another M on the P; that M runs b (runnext), then a.  When the call
// returns, exitsyscall finds the P idle and takes it back.  Without the
// hand-off the order would be m b a.
package main

import (
	"sync"
	"syscall"
)

// blockingSyscall blocks the M in the kernel for ns nanoseconds, through
// syscall.Syscall (entersyscall/exitsyscall), like the scenario's `syscall`.
func blockingSyscall(ns int64) {
	ts := syscall.NsecToTimespec(ns)
	syscall.Nanosleep(&ts, nil)
}

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		mark("a")
		wg.Done()
	}()
	go func() {
		mark("b")
		wg.Done()
	}()
	blockingSyscall(5e6)
	mark("m")
	wg.Wait()
	finish(3)
}
