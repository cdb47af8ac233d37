// jsonfmt: reads JSON from a file (or standard input), prints it indented with sorted keys
// (encoding/json) and a summary; invalid JSON exits with 1.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func countValues(v interface{}) int {
	switch t := v.(type) {
	case map[string]interface{}:
		n := 1
		for _, x := range t {
			n += countValues(x)
		}
		return n
	case []interface{}:
		n := 1
		for _, x := range t {
			n += countValues(x)
		}
		return n
	default:
		return 1
	}
}

func main() {
	var r io.Reader = os.Stdin
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "jsonfmt:", err)
			os.Exit(1)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(r)
	if err != nil {
		fmt.Fprintln(os.Stderr, "jsonfmt:", err)
		os.Exit(1)
	}
	var v interface{}
	if err := json.Unmarshal(data, &v); err != nil {
		fmt.Fprintln(os.Stderr, "jsonfmt: invalid JSON:", err)
		os.Exit(1)
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	os.Stdout.Write(out)
	fmt.Printf("\nvalues: %d\n", countValues(v))
}
