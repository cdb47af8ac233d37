// timers: time.Sleep, time.Now/time.Since, time.After, a time.Ticker and time.AfterFunc; prints
// the order of events and checks that the clock moved at least as long as the program slept.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	start := time.Now()
	time.Sleep(50 * time.Millisecond)
	slept := time.Since(start)
	fmt.Printf("slept at least 50ms: %v\n", slept >= 50*time.Millisecond)

	fired := make(chan string, 4)
	time.AfterFunc(30*time.Millisecond, func() { fired <- "afterfunc 30ms" })
	select {
	case <-time.After(10 * time.Millisecond):
		fmt.Println("after 10ms first")
	case s := <-fired:
		fmt.Println("wrong order:", s)
		os.Exit(1)
	}
	fmt.Println(<-fired)

	ticker := time.NewTicker(20 * time.Millisecond)
	ticks := 0
	t0 := time.Now()
	for range ticker.C {
		ticks++
		if ticks == 5 {
			break
		}
	}
	ticker.Stop()
	fmt.Printf("ticks: %d, at least 100ms: %v\n", ticks, time.Since(t0) >= 100*time.Millisecond)

	timer := time.NewTimer(time.Hour)
	fmt.Printf("stopped an hour timer: %v\n", timer.Stop())

	year := time.Now().UTC().Year()
	fmt.Printf("year after 2000: %v\n", year > 2000)
	total := time.Since(start)
	fmt.Printf("total at least 180ms: %v\n", total >= 180*time.Millisecond)
}
