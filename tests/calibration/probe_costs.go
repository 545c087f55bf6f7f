//go:build ignore

// probe_costs: measures, on this machine, what gmpsim's cost model needs
// from real Go 1.19: futex wake latency, thread start, sysmon's usleep(20),
// procyield, osyield, and the cost of entering and leaving a system call.
//
// Build it against the instrumented runtime (calibrate.sh does this):
//
//	go build -overlay OUT/overlay.json probe_costs.go
//
// and run it with GOMAXPROCS=2.  The first three figures come from
// runtime.calibLog (see patch_runtime.py); the others are timed here,
// through go:linkname to the runtime's own procyield and osyield.  Prints
// one line per figure: name, samples, then p10 p50 p90 p99 max in ns (the
// last four are means of 20000 or 200000 calls, best of 5).
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"syscall"
	"time"
	_ "unsafe"
)

//go:linkname calibLog runtime.calibLog
var calibLog [16384]int64

//go:linkname calibN runtime.calibN
var calibN uint32

//go:linkname procyield runtime.procyield
func procyield(cycles uint32)

//go:linkname osyield runtime.osyield
func osyield()

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// busy computes for d without blocking.
func busy(d time.Duration) {
	for t := nanotime(); nanotime()-t < int64(d); {
	}
}

var raw = len(os.Args) > 1 && os.Args[1] == "-raw"

// report prints v's quantiles, or with -raw one "name value" line per
// sample (calibrate.sh pools several runs).
func report(name string, v []int64) {
	if raw {
		for _, x := range v {
			fmt.Printf("%s %d\n", name, x)
		}
		return
	}
	if len(v) == 0 {
		fmt.Printf("%-22s %6d\n", name, 0)
		return
	}
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	q := func(f float64) int64 { return v[int(f*float64(len(v)-1))] }
	fmt.Printf("%-22s %6d  p10 %8d  p50 %8d  p90 %8d  p99 %8d  max %9d\n", name, len(v), q(0.1), q(0.5), q(0.9),
		q(0.99), v[len(v)-1])
}

// perCall times n calls of f and returns the mean in ns, best of 5.
func perCall(n int, f func()) int64 {
	best := int64(1 << 62)
	for r := 0; r < 5; r++ {
		t := nanotime()
		for i := 0; i < n; i++ {
			f()
		}
		if d := (nanotime() - t) / int64(n); d < best {
			best = d
		}
	}
	return best
}

func main() {
	if runtime.GOMAXPROCS(0) != 2 {
		fmt.Fprintln(os.Stderr, "run with GOMAXPROCS=2")
		os.Exit(2)
	}
	// Wakeups: each spawn while P1 idles makes wakep start its parked M
	// (notewakeup); main keeps its own M busy meanwhile.
	done := make(chan bool, 1)
	for i := 0; i < 400; i++ {
		go func() { busy(20 * time.Microsecond); done <- true }()
		busy(300 * time.Microsecond)
		<-done
	}
	// Thread starts: a goroutine that exits locked takes its thread with
	// it, so the next wakeup needs a new one.
	for i := 0; i < 200; i++ {
		go func() { runtime.LockOSThread(); done <- true }()
		<-done
		busy(200 * time.Microsecond)
	}
	n := int(calibN)
	if n > 8192 {
		n = 8192
	}
	var byKind [4][]int64
	for i := 0; i < n; i++ {
		if k := calibLog[2*i]; k >= 1 && k <= 3 {
			byKind[k] = append(byKind[k], calibLog[2*i+1])
		}
	}
	report("futex_wake_latency", byKind[1])
	report("thread_start", byKind[2])
	report("sysmon_usleep_20us", byKind[3])
	rawcall := perCall(200000, func() { syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0) })
	full := perCall(200000, func() { syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0) })
	report("procyield_30", []int64{perCall(20000, func() { procyield(30) })})
	report("osyield", []int64{perCall(20000, osyield)})
	report("syscall_raw_getpid", []int64{rawcall})
	report("entersyscall_exitsyscall", []int64{full - rawcall})
}
