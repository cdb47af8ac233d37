// workers: a pool of goroutines fed by a channel (sync.WaitGroup, a mutex-protected map),
// computing the Collatz chain lengths of 1..N; prints the results in order.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

func collatz(n int) int {
	steps := 0
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
	}
	return steps
}

func main() {
	n, workers := 1000, 8
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	jobs := make(chan int)
	results := make(map[int]int)
	perWorker := make([]int, workers)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for j := range jobs {
				s := collatz(j)
				mu.Lock()
				results[j] = s
				perWorker[id]++
				mu.Unlock()
			}
		}(w)
	}
	for i := 1; i <= n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	best, total := 1, 0
	for i := 1; i <= n; i++ {
		total += results[i]
		if results[i] > results[best] {
			best = i
		}
	}
	done := 0
	for _, c := range perWorker {
		done += c
	}
	fmt.Printf("GOMAXPROCS %d\n", runtime.GOMAXPROCS(0))
	fmt.Printf("jobs %d done %d\n", n, done)
	fmt.Printf("longest chain below %d: %d (%d steps)\n", n+1, best, results[best])
	fmt.Printf("total steps %d\n", total)

	// a pipeline: squares through an unbuffered channel, summed on another goroutine
	sq := make(chan int)
	sum := make(chan int)
	go func() {
		s := 0
		for v := range sq {
			s += v
		}
		sum <- s
	}()
	for i := 1; i <= 100; i++ {
		sq <- i * i
	}
	close(sq)
	fmt.Printf("sum of squares 1..100: %d\n", <-sum)
}
