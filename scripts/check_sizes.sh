#!/bin/sh
# Fails when a hand-written source file exceeds the hard cap of 1,200 lines; warns above 600.
set -eu
cd "$(dirname "$0")/.."
status=0
for file in $(find src bench fuzz -name '*.cc' -o -name '*.h' 2>/dev/null | grep -v '_generated\.'); do
    lines=$(wc -l < "$file")
    if [ "$lines" -gt 1200 ]; then
        echo "size: $file has $lines lines (hard cap 1200)"
        status=1
    elif [ "$lines" -gt 600 ]; then
        echo "size: $file has $lines lines (soft cap 600)"
    fi
done
[ $status -eq 0 ] && echo "sizes: ok"
exit $status
