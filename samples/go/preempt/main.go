// preempt: a goroutine spinning in a loop without function calls (no cooperative preemption
// point) while main sleeps; with one processor main runs again only if the runtime preempts the
// spinner asynchronously: sysmon suspends its thread, reads and rewrites its context
// (SuspendThread, GetThreadContext, SetThreadContext, ResumeThread) to inject a call.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

var spins uint64

func main() {
	go func() {
		n := uint64(0)
		for {
			n++
			if n&0xFFFFF == 0 {
				atomic.StoreUint64(&spins, n)
			}
		}
	}()
	for i := 1; i <= 3; i++ {
		time.Sleep(20 * time.Millisecond)
		fmt.Printf("main woke %d (GOMAXPROCS %d)\n", i, runtime.GOMAXPROCS(0))
	}
	fmt.Println("spinner made progress:", atomic.LoadUint64(&spins) > 0)
}
