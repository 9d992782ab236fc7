#!/usr/bin/env bash
# Times unmask, DuckDB and pandas running the seed hunting rule (T1001.003) over synthetic
# Defender DeviceNetworkEvents exports of 1M and 10M rows, and prints a Markdown table.
#
# Usage: bench/run_benchmarks.sh [--build-dir DIR] [--data-dir DIR] [--rows "N ..."] [--runs N]
#                                [--rule FILE] [--skip unmask,duckdb,pandas] [--check]
# --check also compares unmask's rows with DuckDB's on each file (bench/compare_seed_outputs.py).
# Run it from anywhere; paths are relative to the repository root. See docs/benchmarks.md.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=build
data_dir=""
row_counts="1000000 10000000"
runs=3
rule=examples/seed-t1001.003.kql
skip=""
check=0
# The exports end here and the rule runs with this fixed query time, so ago(24h) covers the
# newest 24 of the 36 hours in each file.
end_time=2024-03-10T12:00:00Z
# Debian's python3-pandas installs for the system interpreter, not for one earlier in PATH.
python=${PYTHON:-/usr/bin/python3}
# The DuckDB release the recorded results were measured with (DuckDB 1.5.6).
duckdb_package_version=1.5.6-r.1

while [[ $# -gt 0 ]]; do
    case $1 in
        --build-dir) build_dir=$2; shift 2 ;;
        --data-dir) data_dir=$2; shift 2 ;;
        --rows) row_counts=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --rule) rule=$2; shift 2 ;;
        --skip) skip=$2; shift 2 ;;
        --check) check=1; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "run_benchmarks: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

cd "$repo_root"
data_dir=${data_dir:-$build_dir/bench-data}
tools_dir=$build_dir/bench-tools
generator=$build_dir/bench/unmask-generate
unmask=$build_dir/unmask
mkdir -p "$data_dir" "$tools_dir"
results=$data_dir/results.md
log=$data_dir/run.log
: > "$log"

skipped() { [[ ",$skip," == *",$1,"* ]]; }

if [[ ! -x $generator ]]; then
    echo "run_benchmarks: $generator not found, building it" >&2
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build_dir" --target unmask-generate >/dev/null
fi

# DuckDB comes from the npm registry as @duckdb/node-api, pandas from Debian as python3-pandas.
duckdb_ready=0
if ! skipped duckdb; then
    if [[ ! -d $tools_dir/node_modules/@duckdb/node-api ]]; then
        echo "run_benchmarks: installing @duckdb/node-api into $tools_dir" >&2
        npm install --prefix "$tools_dir" --no-audit --no-fund "@duckdb/node-api@$duckdb_package_version" \
            >>"$log" 2>&1 ||
            echo "run_benchmarks: npm install @duckdb/node-api failed (see $log), so DuckDB is skipped" >&2
    fi
    [[ -d $tools_dir/node_modules/@duckdb/node-api ]] && duckdb_ready=1
    UNMASK_BENCH_TOOLS=$(cd "$tools_dir" && pwd)
    export UNMASK_BENCH_TOOLS
fi
pandas_ready=0
if ! skipped pandas; then
    if ! "$python" -c 'import pandas' 2>/dev/null; then
        echo "run_benchmarks: installing python3-pandas with apt-get" >&2
        apt-get install -y python3-pandas >>"$log" 2>&1 ||
            echo "run_benchmarks: apt-get install python3-pandas failed (see $log), so pandas is skipped" >&2
    fi
    "$python" -c 'import pandas' 2>/dev/null && pandas_ready=1
fi
unmask_ready=0
if ! skipped unmask; then
    if [[ -x $unmask ]]; then
        unmask_ready=1
    else
        echo "run_benchmarks: $unmask not found, so the unmask rows say pending" >&2
    fi
fi

# Prints "wall_seconds peak_rss_kb" from a /usr/bin/time -v report.
parse_time_report() {
    awk -F': ' '
        /Elapsed \(wall clock\) time/ {
            n = split($2, part, ":"); wall = 0
            for (i = 1; i <= n; i++) wall = wall * 60 + part[i]
        }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%.3f %d\n", wall, rss }' "$1"
}

# Runs a command $runs times under /usr/bin/time -v and prints "wall_seconds peak_rss_kb" of the
# fastest run, or "failed" if any run exits non-zero.
time_command() {
    local best_wall="" best_rss="" report=$data_dir/time.txt
    for ((run = 1; run <= runs; run++)); do
        if ! /usr/bin/time -v -o "$report" "$@" >>"$log" 2>&1; then
            echo "failed"
            return
        fi
        read -r wall rss < <(parse_time_report "$report")
        if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
            best_wall=$wall
            best_rss=$rss
        fi
    done
    echo "$best_wall $best_rss"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "| Tool | Rows | File (MB) | Wall (s) | Peak RSS (MB) | Rows/s | MB/s |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
} > "$results"

report_row() {
    local tool=$1 rows=$2 bytes=$3 measurement=$4
    local megabytes
    megabytes=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')
    if [[ $measurement == failed || $measurement == pending || $measurement == skipped ]]; then
        echo "| $tool | $rows | $megabytes | $measurement | | | |" >> "$results"
        return
    fi
    read -r wall rss <<< "$measurement"
    awk -v tool="$tool" -v rows="$rows" -v mb="$megabytes" -v bytes="$bytes" -v wall="$wall" -v rss="$rss" 'BEGIN {
        printf "| %s | %d | %s | %.2f | %.0f | %.0f | %.0f |\n", tool, rows, mb, wall, rss / 1024, rows / wall,
               bytes / 1e6 / wall }' >> "$results"
}

for rows in $row_counts; do
    file=$data_dir/defender-$rows.csv
    devices=$((rows / 5000 > 10 ? rows / 5000 : 10))
    if [[ ! -s $file ]]; then
        echo "run_benchmarks: generating $file" >&2
        "$generator" --rows "$rows" --devices "$devices" --seed 1 --beacons 10 --byte-columns \
            --end "$end_time" --stats -o "$file" 2>>"$log"
        tail -n 1 "$log" >&2
    fi
    bytes=$(stat -c %s "$file")
    # Read the file once so that every tool starts with it in the page cache.
    cat "$file" > /dev/null

    if skipped unmask; then
        report_row "unmask" "$rows" "$bytes" skipped
    elif [[ $unmask_ready == 1 ]]; then
        echo "run_benchmarks: unmask on $rows rows" >&2
        report_row "unmask" "$rows" "$bytes" "$(time_command "$unmask" query --file "$rule" --now "$end_time" \
            --format csv -o /dev/null "$file")"
    else
        report_row "unmask" "$rows" "$bytes" pending
    fi

    if [[ $duckdb_ready == 1 ]]; then
        echo "run_benchmarks: DuckDB on $rows rows" >&2
        report_row "DuckDB (detections 1+2)" "$rows" "$bytes" "$(time_command node bench/run_duckdb.mjs \
            --input "$file" --now "$end_time" --statements seed -o /dev/null)"
        report_row "DuckDB (detections 1+2, then 3)" "$rows" "$bytes" "$(time_command node bench/run_duckdb.mjs \
            --input "$file" --now "$end_time" --statements seed,beaconing -o /dev/null)"
    else
        report_row "DuckDB" "$rows" "$bytes" skipped
    fi

    if [[ $pandas_ready == 1 ]]; then
        echo "run_benchmarks: pandas on $rows rows" >&2
        report_row "pandas (detections 1+2)" "$rows" "$bytes" "$(time_command "$python" bench/seed_pandas.py \
            --input "$file" --now "$end_time" -o /dev/null)"
        report_row "pandas (detections 1+2+3)" "$rows" "$bytes" "$(time_command "$python" bench/seed_pandas.py \
            --input "$file" --now "$end_time" --beaconing -o /dev/null)"
    else
        report_row "pandas" "$rows" "$bytes" skipped
    fi

    if [[ $check == 1 && $unmask_ready == 1 && $duckdb_ready == 1 ]]; then
        "$unmask" query --file "$rule" --now "$end_time" --format csv -o "$data_dir/unmask-$rows.out.csv" "$file" \
            2>>"$log"
        node bench/run_duckdb.mjs --input "$file" --now "$end_time" -o "$data_dir/duckdb-$rows.out.csv" 2>>"$log"
        if "$python" bench/compare_seed_outputs.py "$data_dir/duckdb-$rows.out.csv" \
            "$data_dir/unmask-$rows.out.csv" >>"$log" 2>&1; then
            echo "run_benchmarks: unmask and DuckDB return the same rows on $rows rows" >&2
        else
            echo "run_benchmarks: unmask and DuckDB differ on $rows rows (see $log)" >&2
        fi
    fi
done

echo
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
memory=$(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)
echo "Machine: $(nproc) cores, $cpu_model, $memory, $(date -u +%Y-%m-%d)"
if [[ $duckdb_ready == 1 ]]; then
    package_json=$UNMASK_BENCH_TOOLS/node_modules/@duckdb/node-api/package.json
    echo "DuckDB: $(grep -m1 -o 'duckdb v[0-9.]*' "$log" || echo unknown)" \
         "(@duckdb/node-api $(node -p "require('$package_json').version"))"
fi
if [[ $pandas_ready == 1 ]]; then
    echo "pandas: $("$python" -c 'import pandas; print(pandas.__version__)')"
fi
echo "Load average (1, 5, 15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $unmask_ready == 1 ]]; then
    echo "unmask: $("$unmask" --version 2>&1 | head -n 1)"
fi
echo "Best of $runs runs each, times from /usr/bin/time -v, log in $log"
echo
cat "$results"
