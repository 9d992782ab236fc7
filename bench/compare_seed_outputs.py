#!/usr/bin/env python3
"""Compare two CSV outputs of the seed rule's final projection as sets of rows.

Usage: compare_seed_outputs.py EXPECTED.csv ACTUAL.csv

Both files need the columns Timestamp, DeviceName, InitiatingProcessFileName,
InitiatingProcessCommandLine, ConnectionCount, UniqueRemoteIPs, BytesSent, BytesReceived and
SuspicionReason. Timestamps are compared at microsecond precision, because DuckDB keeps no more,
and may use "T" or a space, with or without "Z". Row order is ignored, since the seed's sort
leaves ties and union legs unordered. Exits 0 when the rows match and 1 otherwise.
"""

import csv
import re
import sys
from collections import Counter

COLUMNS = ["Timestamp", "DeviceName", "InitiatingProcessFileName", "InitiatingProcessCommandLine",
           "ConnectionCount", "UniqueRemoteIPs", "BytesSent", "BytesReceived", "SuspicionReason"]
TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?Z?")


def normalize_time(text):
    match = TIMESTAMP.fullmatch(text)
    if not match:
        return text
    fraction = (match.group(3) or "")[:6].ljust(6, "0")
    return f"{match.group(1)}T{match.group(2)}.{fraction}"


def normalize_number(text):
    """Read "75000", "75000.0" and "" (null) alike."""
    if text == "":
        return ""
    value = float(text)
    return str(int(value)) if value.is_integer() else str(value)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            sys.exit(f"compare_seed_outputs: {path} is missing the columns {', '.join(missing)}")
        rows = Counter()
        for record in reader:
            rows[(normalize_time(record["Timestamp"]), record["DeviceName"], record["InitiatingProcessFileName"],
                  record["InitiatingProcessCommandLine"], normalize_number(record["ConnectionCount"]),
                  normalize_number(record["UniqueRemoteIPs"]), normalize_number(record["BytesSent"]),
                  normalize_number(record["BytesReceived"]), record["SuspicionReason"])] += 1
        return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    expected = read_rows(sys.argv[1])
    actual = read_rows(sys.argv[2])
    missing = expected - actual
    unexpected = actual - expected
    for row in list(missing.elements())[:10]:
        print("missing:   ", row)
    for row in list(unexpected.elements())[:10]:
        print("unexpected:", row)
    total_expected = sum(expected.values())
    print(f"{total_expected - sum(missing.values())} of {total_expected} expected rows found, "
          f"{sum(unexpected.values())} unexpected rows")
    sys.exit(0 if not missing and not unexpected else 1)


if __name__ == "__main__":
    main()
