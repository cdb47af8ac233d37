// panics: run-time errors recovered by deferred functions (a nil pointer dereference and an
// integer division by zero are CPU exceptions the runtime's vectored handler turns into panics;
// an index out of range and a custom panic are raised by Go code), an error value; with an
// argument, an unrecovered panic (nil map assignment): the runtime prints it and exits with 2.
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
)

type T struct{ v int }

func deref(p *T) int { return p.v }

func safe(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	f()
	return nil
}

func main() {
	fmt.Println(safe(func() { var p *T; fmt.Println(deref(p)) }))
	fmt.Println(safe(func() { a := []int{1}; i := 5; fmt.Println(a[i]) }))
	fmt.Println(safe(func() { z := 0; fmt.Println(10 / z) }))
	fmt.Println(safe(func() { panic(errors.New("custom")) }))
	_, err := strconv.Atoi("x1")
	fmt.Println(err)
	if len(os.Args) > 1 {
		var m map[string]int
		m["a"] = 1
	}
}
