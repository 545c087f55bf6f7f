//go:build ignore

// select_random: main fills three channels of capacity 1 (a b c), then runs
// three selects that each receive from whichever of a, b, c is ready and
// record its name.  Scenario: select_random.gmp.
//
// Pins selectgo's poll order: when several cases are ready it picks by a
// random permutation (fastrandn), so all six orders occur, each about 1/6
// of the time.  No goroutine switch happens here at all.
package main

func main() {
	setup()
	a := make(chan int, 1)
	b := make(chan int, 1)
	c := make(chan int, 1)
	a <- 0
	b <- 0
	c <- 0
	for i := 0; i < 3; i++ {
		select {
		case <-a:
			mark("a")
		case <-b:
			mark("b")
		case <-c:
			mark("c")
		}
	}
	finish(3)
}
