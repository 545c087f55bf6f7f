//go:build ignore

// syscall_p2 (GOMAXPROCS 2): main spawns s (a 2ms blocking system call,
// then records s), x and y (each records its name), and computes for 3ms
// before recording m.
//
// Pins the hand-off of a P in a system call when no P is idle.  The
// spinning M started by the spawns steals s (half of P0's queue [s x]) and
// s enters the kernel, leaving P1 in _Psyscall with an empty queue.
// sysmon's retake hands P1 off anyway, because no P is idle and no M
// spins (nmspinning+npidle == 0); handoffp starts a spinning M on it,
// which steals x and then y (runnext) from the still-running P0.  When s
// returns, exitsyscall finds no idle P and s waits in the global queue.
package main

import "sync"

func main() {
	setup()
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		blockingSyscall(2e6)
		mark("s")
		wg.Done()
	}()
	go func() {
		mark("x")
		wg.Done()
	}()
	go func() {
		mark("y")
		wg.Done()
	}()
	work(3e6)
	mark("m")
	wg.Wait()
	finish(4)
}
