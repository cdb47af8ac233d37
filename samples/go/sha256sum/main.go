// sha256sum: the SHA-256 of each file named on the command line (crypto/sha256, io.Copy), in
// sha256sum's output format; with no argument, of standard input.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

func sum(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func main() {
	if len(os.Args) < 2 {
		s, err := sum(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sha256sum:", err)
			os.Exit(1)
		}
		fmt.Printf("%s  -\n", s)
		return
	}
	status := 0
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sha256sum:", err)
			status = 1
			continue
		}
		s, err := sum(f)
		f.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, "sha256sum:", err)
			status = 1
			continue
		}
		fmt.Printf("%s  %s\n", s, name)
	}
	os.Exit(status)
}
