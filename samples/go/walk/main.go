// walk: path/filepath.Walk over a directory: prints each entry relative to the root (sorted,
// as Walk visits them), files with their sizes, then the counts.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	var files, dirs int
	var bytes int64
	err := filepath.Walk(root, func(path string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if info.IsDir() {
			dirs++
			fmt.Printf("dir  %s\n", filepath.ToSlash(rel))
		} else {
			files++
			bytes += info.Size()
			fmt.Printf("file %s %d\n", filepath.ToSlash(rel), info.Size())
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "walk:", err)
		os.Exit(1)
	}
	fmt.Printf("%d dirs, %d files, %d bytes\n", dirs, files, bytes)
	fmt.Println("ext of a.txt:", filepath.Ext("a.txt"), "base:", filepath.Base(`C:\x\y\z.go`))
}
