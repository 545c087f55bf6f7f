//go:build ignore

// probe_init: prints how long runtime.main's two package-initialisation
// phases took in this process, as "runtime_init=NS main_init=NS".  Built
// against the instrumented runtime (patch_runtime.py, kinds 4 and 5) and
// run many times by calibrate.sh: each process gives one sample.  It
// imports what the conformance programs import (rec.go: fmt, os, runtime,
// runtime/debug, strings, sync/atomic), so main_init is theirs.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	_ "unsafe"
)

//go:linkname calibLog runtime.calibLog
var calibLog [16384]int64

//go:linkname calibN runtime.calibN
var calibN uint32

var sink int32

func main() {
	_, _, _ = runtime.GOMAXPROCS(0), debug.SetGCPercent(-1), strings.ToUpper("")
	atomic.AddInt32(&sink, 1)
	var v [7]int64
	nthreads := 0
	for i := 0; i < int(calibN) && i < 8192; i++ {
		k := calibLog[2*i]
		if k >= 4 && k <= 6 {
			v[k] = calibLog[2*i+1]
		}
		if k == 2 && nthreads < 2 {
			// the first two threads a process starts: sysmon, then the M
			// that takes the P when main first blocks during init
			nthreads++
			fmt.Fprintf(os.Stdout, "thread_start_%d=%d ", nthreads, calibLog[2*i+1])
		}
	}
	fmt.Fprintf(os.Stdout, "runtime_init=%d main_init=%d scavenger_init=%d\n", v[4], v[5], v[6])
}
