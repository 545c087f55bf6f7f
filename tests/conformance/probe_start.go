//go:build ignore

// probe_start: prints P0's scheduler state at the moment main.main starts,
// the state every conformance program begins from, as one line:
//
//	gomaxprocs=1 schedtick=4 runq_len=0 runnext_goid=5
//
// regen.sh runs it as often as the programs and writes the distribution to
// start.state.  Goroutine 5 is runtime.runfinq, spawned during package
// initialisation (os's init calls SetFinalizer, which calls createfing); it
// is still in runnext when main.main starts.  schedtick varies from run to
// run because runtime.main holds the main goroutine locked to m0 during
// initialisation, so each time it blocks (gcenable waits for bgsweep and
// bgscavenge) the P is handed between real threads.
//
// It reads runtime.p and runtime.g through go:linkname and hard-coded
// offsets, so it is valid only for Go 1.19 on linux/amd64 (regen.sh checks
// the version).  Not a conformance program: it has no scenario.
package main

import (
	"fmt"
	"os"
	"unsafe"
)

//go:linkname allp runtime.allp
var allp []unsafe.Pointer

// Offsets in Go 1.19 amd64 runtime2.go.
const (
	pSchedtick = 16   // p.schedtick
	pRunqhead  = 400  // p.runqhead
	pRunqtail  = 404  // p.runqtail
	pRunnext   = 2456 // p.runnext
	gGoid      = 152  // g.goid
)

func main() {
	p := allp[0]
	schedtick := *(*uint32)(unsafe.Add(p, pSchedtick))
	head := *(*uint32)(unsafe.Add(p, pRunqhead))
	tail := *(*uint32)(unsafe.Add(p, pRunqtail))
	next := *(*unsafe.Pointer)(unsafe.Add(p, pRunnext))
	var nextGoid int64
	if next != nil {
		nextGoid = *(*int64)(unsafe.Add(next, gGoid))
	}
	fmt.Fprintf(os.Stdout, "gomaxprocs=%d schedtick=%d runq_len=%d runnext_goid=%d\n",
		len(allp), schedtick, tail-head, nextGoid)
}
