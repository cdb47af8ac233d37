// gowc: lines, words and bytes of stdin or of the files named (bufio.Scanner, os, io).
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
			err = e
			return
		}
		bytes++
		if c == '\n' {
			lines++
		}
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			inWord = false
		} else if !inWord {
			inWord = true
			words++
		}
	}
}

func main() {
	if len(os.Args) < 2 {
		l, w, b, err := count(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gowc:", err)
			os.Exit(1)
		}
		fmt.Printf("%7d %7d %7d\n", l, w, b)
		return
	}
	status := 0
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gowc:", err)
			status = 1
			continue
		}
		l, w, b, _ := count(f)
		f.Close()
		fmt.Printf("%7d %7d %7d %s\n", l, w, b, name)
	}
	os.Exit(status)
}
