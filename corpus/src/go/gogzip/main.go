// gogzip: compresses stdin with compress/gzip into a file in the temporary folder, decompresses it
// back and checks the round trip (os.CreateTemp, bytes, compress/gzip).
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gogzip:", err)
		os.Exit(1)
	}
	f, err := os.CreateTemp("", "gogzip-*.gz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gogzip:", err)
		os.Exit(1)
	}
	defer os.Remove(f.Name())
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	zw.Name = "input.txt"
	zw.Write(data)
	zw.Close()
	f.Close()
	g, err := os.Open(f.Name())
	if err != nil {
		fmt.Fprintln(os.Stderr, "gogzip:", err)
		os.Exit(1)
	}
	defer g.Close()
	zr, err := gzip.NewReader(g)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gogzip:", err)
		os.Exit(1)
	}
	back, err := io.ReadAll(zr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gogzip:", err)
		os.Exit(1)
	}
	fmt.Printf("name=%s in=%d round-trip=%v\n", zr.Name, len(data), bytes.Equal(data, back))
	if !bytes.Equal(data, back) {
		os.Exit(2)
	}
}
