// gzipround: compresses a file with compress/gzip into NAME.gz, reads it back, checks the
// round trip and prints the sizes and the CRC-32 of the data.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gzipround FILE")
		os.Exit(2)
	}
	name := os.Args[1]
	data, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gzipround:", err)
		os.Exit(1)
	}
	out, err := os.Create(name + ".gz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gzipround:", err)
		os.Exit(1)
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	zw.Name = "data.txt"
	zw.Write(data)
	zw.Close()
	out.Close()

	in, err := os.Open(name + ".gz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gzipround:", err)
		os.Exit(1)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gzipround:", err)
		os.Exit(1)
	}
	back, err := io.ReadAll(zr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gzipround:", err)
		os.Exit(1)
	}
	st, _ := in.Stat()
	fmt.Printf("original %d bytes, crc32 %08x\n", len(data), crc32.ChecksumIEEE(data))
	fmt.Printf("header name %q\n", zr.Name)
	fmt.Printf("compressed smaller: %v\n", st.Size() < int64(len(data)))
	if !bytes.Equal(back, data) {
		fmt.Println("round trip: MISMATCH")
		os.Exit(1)
	}
	fmt.Printf("round trip: ok (%d bytes)\n", len(back))
}
