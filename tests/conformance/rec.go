//go:build ignore

// rec.go is linked into every conformance program:
//
//	go build -o NAME NAME.go rec.go
//
// It holds the two things each program shares: the preamble that pins the
// scheduler configuration, and the mark recorder.
//
// mark must not perturb scheduling.  Printing while the program runs would
// be a write system call (entersyscall/exitsyscall, a chance for sysmon to
// retake the P), so labels go into a preallocated array through one atomic
// add and one store, and are printed once, at the end, one per line.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
)

// Large enough for every program here; overflowing panics (index out of range).
const marksMax = 4096

var (
	marks  [marksMax]string
	nmarks uint32
	procs0 int // GOMAXPROCS before setup; must already be 1 (from the environment)
)

// mark records label as the next observable step.  No allocation, no
// system call, no scheduling point other than the call's own stack check.
func mark(label string) {
	i := atomic.AddUint32(&nmarks, 1) - 1
	marks[i] = label
}

// setup runs first in main.  With GOMAXPROCS=1 already in the environment
// runtime.GOMAXPROCS(1) returns at once (n == gomaxprocs: no stop-the-world).
// gmpsim does not model the garbage collector, so it is switched off
// (regen.sh also sets GOGC=off, which covers runtime initialisation).
func setup() {
	procs0 = runtime.GOMAXPROCS(1)
	debug.SetGCPercent(-1)
}

// finish prints the marks, one per line, and checks how many there were.
func finish(want int) {
	n := int(atomic.LoadUint32(&nmarks))
	var b strings.Builder
	for _, l := range marks[:n] {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	os.Stdout.WriteString(b.String())
	if procs0 != 1 {
		fmt.Fprintf(os.Stderr, "GOMAXPROCS was %d at start; run with GOMAXPROCS=1 in the environment\n", procs0)
		os.Exit(2)
	}
	if n != want {
		fmt.Fprintf(os.Stderr, "recorded %d marks, want %d\n", n, want)
		os.Exit(3)
	}
}
