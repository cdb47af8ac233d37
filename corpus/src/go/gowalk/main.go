// gowalk: builds a small tree in a new temporary folder, walks it with path/filepath.WalkDir and
// prints relative paths (forward slashes) with sizes, then removes it (os.MkdirAll, os.WriteFile).
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func main() {
	root, err := os.MkdirTemp("", "gowalk")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gowalk:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(root)
	files := map[string]string{"a.txt": "alpha\n", "sub/b.txt": "bravo!\n", "sub/deeper/c.log": "c\n"}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gowalk:", err)
			os.Exit(1)
		}
	}
	total := int64(0)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			fmt.Printf("dir  %s\n", filepath.ToSlash(rel))
			return nil
		}
		info, _ := d.Info()
		total += info.Size()
		fmt.Printf("file %s %d\n", filepath.ToSlash(rel), info.Size())
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gowalk:", err)
		os.Exit(1)
	}
	matches, _ := filepath.Glob(filepath.Join(root, "sub", "*.txt"))
	fmt.Printf("total %d bytes, %d match sub/*.txt\n", total, len(matches))
}
