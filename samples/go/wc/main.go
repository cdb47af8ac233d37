// wc: lines, words and bytes of each file named on the command line (like wc), then a total.
// A file that cannot be opened is reported on stderr and makes the exit code 1.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

func count(r io.Reader) (lines, words, bytes int, err error) {
	br := bufio.NewReader(r)
	inWord := false
	for {
		c, e := br.ReadByte()
		if e == io.EOF {
			return
		}
		if e != nil {
			return lines, words, bytes, e
		}
		bytes++
		if c == '\n' {
			lines++
		}
		space := c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
		if !space && !inWord {
			words++
		}
		inWord = !space
	}
}

func main() {
	status := 0
	var tl, tw, tb int
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wc:", err)
			status = 1
			continue
		}
		l, w, b, err := count(f)
		f.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, "wc:", err)
			status = 1
			continue
		}
		fmt.Printf("%7d %7d %7d %s\n", l, w, b, name)
		tl, tw, tb = tl+l, tw+w, tb+b
	}
	fmt.Printf("%7d %7d %7d total\n", tl, tw, tb)
	os.Exit(status)
}
