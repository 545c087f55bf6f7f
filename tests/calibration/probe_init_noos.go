//go:build ignore

// probe_init_noos: probe_init for a program that imports only runtime,
// sync, sync/atomic, syscall and time (no os, so no runfinq): the
// packages gen-go uses for a scenario declared `without os`.  Prints with
// syscall.Write.
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	_ "unsafe"
)

//go:linkname calibLog runtime.calibLog
var calibLog [16384]int64

//go:linkname calibN runtime.calibN
var calibN uint32

var sink int32
var mu sync.Mutex

func itoa(b []byte, v int64) []byte {
	if v >= 10 {
		b = itoa(b, v/10)
	}
	return append(b, byte('0'+v%10))
}

func main() {
	mu.Lock()
	_ = runtime.GOMAXPROCS(0) + int(time.Duration(0))
	atomic.AddInt32(&sink, 1)
	mu.Unlock()
	var v [7]int64
	for i := 0; i < int(calibN) && i < 8192; i++ {
		if k := calibLog[2*i]; k >= 4 && k <= 6 {
			v[k] = calibLog[2*i+1]
		}
	}
	b := append([]byte("runtime_init="), itoa(nil, v[4])...)
	b = append(append(b, " main_init="...), itoa(nil, v[5])...)
	b = append(append(b, " scavenger_init="...), itoa(nil, v[6])...)
	syscall.Write(1, append(b, '\n'))
}
