#!/usr/bin/env bash
# Builds the Go sample programs samples/go/<name>/main.go into samples/bin/go/<name>.exe:
# 32-bit Windows console programs (GOOS=windows GOARCH=386), no cgo, reproducible (-trimpath,
# no build ID), stripped (-ldflags "-s -w").
# Needs Debian's golang (go 1.19: apt-get install golang-go).
# Usage: samples/build_go.sh          (from anywhere)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$HERE/bin/go
mkdir -p "$OUT"
cd "$HERE/go"
export GOOS=windows GOARCH=386 CGO_ENABLED=0 GOFLAGS=-mod=mod GOCACHE=${GOCACHE:-/tmp/ntboot-go-cache}
for dir in */; do
    name=${dir%/}
    [ -f "$name/main.go" ] || continue
    go build -trimpath -buildvcs=false -ldflags="-s -w -buildid=" -o "$OUT/$name.exe" "./$name"
    echo "built $OUT/$name.exe ($(stat -c %s "$OUT/$name.exe") bytes)"
done
echo "go: $(go version)"
