// hello: fmt, os.Args, an environment variable and the exit code.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println("hello from Go")
	fmt.Printf("args: %d\n", len(os.Args)-1)
	for i, a := range os.Args[1:] {
		fmt.Printf("arg %d: %q\n", i+1, a)
	}
	fmt.Println("upper:", strings.ToUpper(strings.Join(os.Args[1:], "+")))
	if len(os.Args) > 1 && os.Args[1] == "fail" {
		fmt.Fprintln(os.Stderr, "failing on request")
		os.Exit(7)
	}
	os.Exit(len(os.Args) - 1)
}
