//go:build ignore

// rec_common.go is linked into every conformance program, with rec.go or
// rec_noos.go:
//
//	go build -ldflags "-X main.startProcs=S -X main.mainProcs=N" -o NAME NAME.go rec_common.go rec.go
//
// It holds what each program shares: the preamble that pins the scheduler
// configuration, and the mark recorder.  regen.sh sets startProcs and
// mainProcs from the program's NAME.build file (default 1 and 1).
//
// mark must not perturb scheduling.  Printing while the program runs would
// be a write system call (entersyscall/exitsyscall, a chance for sysmon to
// retake the P), so labels go into a preallocated array through one atomic
// add and one store, and are printed once, at the end, one per line.
package main

import (
	"runtime"
	"strconv"
	"sync/atomic"
)

// Large enough for every program here; overflowing panics (index out of range).
const marksMax = 4096

// Set by the linker (-X): the GOMAXPROCS Go must start with (from the
// environment, or the CPU count), and the one main sets first.
var startProcs, mainProcs = "1", "1"

var (
	marks  [marksMax]string
	nmarks uint32
	procs0 int // GOMAXPROCS as Go started
)

// mark records label as the next observable step.  No allocation, no
// system call, no scheduling point other than the call's own stack check.
func mark(label string) {
	i := atomic.AddUint32(&nmarks, 1) - 1
	marks[i] = label
}

// setup runs first in main: runtime.GOMAXPROCS(mainProcs).  When Go
// already started there (GOMAXPROCS=1 in the environment, the default) the
// call returns at once (n == gomaxprocs: no stop-the-world); otherwise it
// stops the world and runs procresize.  gmpsim does not model the garbage
// collector, so it is switched off (regen.sh also sets GOGC=off, which
// covers runtime initialisation).
func setup() {
	n, _ := strconv.Atoi(mainProcs)
	procs0 = runtime.GOMAXPROCS(n)
	gcOff()
}

// check is "" or why the run does not count: Go did not start where the
// program says, or the number of marks is wrong.
func check(want int) (string, int) {
	n := int(atomic.LoadUint32(&nmarks))
	if strconv.Itoa(procs0) != startProcs {
		return "GOMAXPROCS was " + strconv.Itoa(procs0) + " at start, want " + startProcs +
			" (see the program's .build file)", 2
	}
	if n != want {
		return "recorded " + strconv.Itoa(n) + " marks, want " + strconv.Itoa(want), 3
	}
	return "", 0
}

// output is the marks, one per line.
func output() []byte {
	var b []byte
	for _, l := range marks[:atomic.LoadUint32(&nmarks)] {
		b = append(append(b, l...), '\n')
	}
	return b
}
