// gopipeline: a generator, four squaring workers and a collector connected by channels, with a
// sync.WaitGroup; prints the sum of squares of 1..N (default 1000) and how many values each stage saw.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

func main() {
	n := 1000
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 0 {
			fmt.Fprintln(os.Stderr, "gopipeline: N must be a non-negative integer")
			os.Exit(2)
		}
		n = v
	}
	src := make(chan int)
	squares := make(chan int, 16)
	go func() {
		for i := 1; i <= n; i++ {
			src <- i
		}
		close(src)
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	handled := 0
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range src {
				squares <- v * v
				mu.Lock()
				handled++
				mu.Unlock()
			}
		}()
	}
	go func() { wg.Wait(); close(squares) }()
	sum, count := 0, 0
	for s := range squares {
		sum += s
		count++
	}
	fmt.Printf("sum of squares 1..%d = %d (%d values, %d handled by 4 workers)\n", n, sum, count, handled)
}
