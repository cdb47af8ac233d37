// gotime: date arithmetic with package time on fixed dates (UTC): formatting, durations, weekdays,
// parsing, and a short sleep measured with the monotonic clock.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	t := time.Date(2024, time.February, 28, 22, 30, 0, 0, time.UTC)
	fmt.Println(t.Format(time.RFC3339), t.Weekday())
	u := t.Add(26 * time.Hour)
	fmt.Println(u.Format("2006-01-02 15:04 Mon"), u.YearDay())
	p, err := time.Parse("2006-01-02", "2025-01-01")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gotime:", err)
		os.Exit(1)
	}
	fmt.Println("days until 2025:", int(p.Sub(t).Hours()/24))
	d, _ := time.ParseDuration("1h15m30.5s")
	fmt.Println(d, d.Seconds())
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("slept at least 20ms:", time.Since(start) >= 20*time.Millisecond)
}
