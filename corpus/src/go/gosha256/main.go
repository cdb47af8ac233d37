// gosha256: sha256sum of stdin ("-") or of the files named (crypto/sha256, io.Copy).
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
	names := os.Args[1:]
	if len(names) == 0 {
		names = []string{"-"}
	}
	status := 0
	for _, name := range names {
		var r io.Reader = os.Stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "gosha256:", err)
				status = 1
				continue
			}
			defer f.Close()
			r = f
		}
		s, err := sum(r)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gosha256:", err)
			status = 1
			continue
		}
		fmt.Printf("%s  %s\n", s, name)
	}
	os.Exit(status)
}
