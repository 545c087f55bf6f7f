//go:build ignore

// rec.go: rec_common.go's output for programs that import os (as almost
// every Go program does; os's init starts runfinq).
package main

import (
	"os"
	"runtime/debug"
)

func gcOff() { debug.SetGCPercent(-1) }

// finish prints the marks, one per line, and checks the run.
func finish(want int) {
	os.Stdout.Write(output())
	if why, code := check(want); why != "" {
		os.Stderr.WriteString(why + "\n")
		os.Exit(code)
	}
}
