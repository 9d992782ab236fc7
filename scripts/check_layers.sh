#!/bin/sh
# Fails when a source file includes a header of a layer its own layer may not depend on.
# Allowed dependencies (user -> used), as in docs/architecture.md.
set -eu
cd "$(dirname "$0")/.."
allowed() {
    case "$1" in
        common) echo "common" ;;
        table) echo "common table" ;;
        dissect) echo "common dissect" ;;
        query) echo "common query" ;;
        ingest) echo "common table dissect ingest" ;;
        functions) echo "common table functions" ;;
        exec) echo "common table functions exec" ;;
        plan) echo "common table functions exec query plan" ;;
        detect) echo "common table functions exec query plan dissect ingest detect" ;;
        output) echo "common table functions exec query plan dissect ingest detect output" ;;
        cli) echo "common table functions exec query plan dissect ingest detect output cli" ;;
        *) echo "" ;;
    esac
}
status=0
for dir in src/*/; do
    layer=$(basename "$dir")
    ok=$(allowed "$layer")
    for file in $(find "$dir" -name '*.h' -o -name '*.cc'); do
        for used in $(sed -n 's/^#include "\([a-z_]*\)\/.*"/\1/p' "$file" | sort -u); do
            case " $ok " in
                *" $used "*) ;;
                *) echo "layer violation: $file ($layer) includes a header of $used"; status=1 ;;
            esac
        done
    done
done
[ $status -eq 0 ] && echo "layers: ok"
exit $status
