// files: the os package on a folder named on the command line: MkdirAll, WriteFile, append,
// Rename, ReadFile, Stat, IsNotExist, Chdir/Getwd, ReadDir, removing the current directory
// (refused: Windows keeps it open), RemoveAll; Hostname, TempDir, CreateTemp, Executable.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

func check(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}

func main() {
	base := os.Args[1]
	check(os.MkdirAll(filepath.Join(base, "a", "b"), 0o755))
	check(os.WriteFile(filepath.Join(base, "a", "one.txt"), []byte("first\n"), 0o644))
	f, err := os.OpenFile(filepath.Join(base, "a", "one.txt"), os.O_APPEND|os.O_WRONLY, 0)
	check(err)
	fmt.Fprintf(f, "second\n")
	check(f.Close())
	check(os.Rename(filepath.Join(base, "a", "one.txt"), filepath.Join(base, "a", "b", "two.txt")))
	data, err := os.ReadFile(filepath.Join(base, "a", "b", "two.txt"))
	check(err)
	fmt.Printf("%q\n", data)
	st, err := os.Stat(filepath.Join(base, "a", "b", "two.txt"))
	check(err)
	fmt.Println(st.Name(), st.Size(), st.IsDir(), st.Mode().IsRegular())
	_, err = os.Stat(filepath.Join(base, "nope"))
	fmt.Println("not exist:", os.IsNotExist(err))
	check(os.Chdir(filepath.Join(base, "a")))
	wd, err := os.Getwd()
	check(err)
	fmt.Println("wd:", wd)
	entries, err := os.ReadDir(".")
	check(err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	fmt.Println(names)
	// the current directory cannot be removed (Windows keeps it open): leave it first
	fmt.Println("remove the current directory fails:", os.Remove(".") != nil)
	check(os.Chdir(base))
	check(os.RemoveAll(filepath.Join(base, "a")))
	_, err = os.Stat(filepath.Join(base, "a"))
	fmt.Println("removed:", os.IsNotExist(err))
	h, err := os.Hostname()
	fmt.Println("hostname:", h, err)
	fmt.Println("TEMP set:", os.Getenv("TEMP") != "", "tmpdir:", os.TempDir())
	tf, err := os.CreateTemp("", "x*.tmp")
	check(err)
	fmt.Println("temp file:", filepath.Dir(tf.Name()) == os.TempDir())
	tf.Close()
	os.Remove(tf.Name())
	exe, err := os.Executable()
	fmt.Println("exe:", exe, err)
}
