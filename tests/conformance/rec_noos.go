//go:build ignore

// rec_noos.go: rec_common.go's output for programs that must not import
// os (directly or through fmt, runtime/debug, ...), so Go starts no
// runfinq goroutine before main.main.  A program names it in its .build
// file ("rec rec_noos.go").  GC is off through GOGC=off alone.
package main

import "syscall"

func gcOff() {}

// finish prints the marks, one per line, and checks the run.
func finish(want int) {
	b := output()
	for len(b) > 0 {
		k, err := syscall.Write(1, b)
		if err != nil && err != syscall.EINTR {
			syscall.Exit(4)
		}
		if k > 0 {
			b = b[k:]
		}
	}
	if why, code := check(want); why != "" {
		println(why)
		syscall.Exit(code)
	}
}
