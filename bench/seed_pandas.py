#!/usr/bin/env python3
"""Run the seed hunting rule (T1001.003, three detections over Defender DeviceNetworkEvents) with pandas.

The export is read in chunks with only the columns the rule uses. Every detection starts with
`Timestamp > ago(24h)` and `RemoteIPType == "Public"`, so those two filters are applied per
chunk and only matching rows are kept. Detections 1 and 2 are the seed's output (their union,
newest FirstSeen first). Detection 3 is computed only with --beaconing, because the seed never
adds it to its union. Its list of times is sorted, which Kusto's make_list() does not promise.

Usage: seed_pandas.py --input FILE --now TIME [--beaconing] [-o FILE]
"""

import argparse
import sys
import time

import pandas as pd

GROUP_KEYS = ["DeviceName", "InitiatingProcessFileName", "InitiatingProcessCommandLine", "InitiatingProcessId"]
BEACON_KEYS = ["DeviceName", "InitiatingProcessFileName", "RemoteIP", "RemotePort"]
FAKE_TLS_PORTS = [443, 8443, 4443, 8080, 8888]
HTTP_PORTS = [80, 443, 8080, 8443]
# The seed compares names with in~ (case-insensitive), so the lists are lower case and the
# column is lowered before the test.
BROWSERS = ["chrome.exe", "firefox.exe", "msedge.exe", "iexplore.exe", "teams.exe", "slack.exe", "zoom.exe",
            "outlook.exe", "onedrive.exe", "svchost.exe"]
SUSPICIOUS_HOSTS = ["svchost.exe", "lsass.exe", "rundll32.exe", "regsvr32.exe", "mshta.exe", "wscript.exe",
                    "cscript.exe", "msbuild.exe", "installutil.exe", "regasm.exe", "regsvcs.exe"]
NUMERIC_COLUMNS = {"RemotePort": "Int32", "InitiatingProcessId": "Int64", "SentBytes": "Int64",
                   "ReceivedBytes": "Int64"}
# Empty string fields stay empty strings, as in Kusto, and empty numeric fields become nulls.
READ_OPTIONS = dict(
    usecols=["Timestamp", "RemoteIP", "RemotePort", "RemoteIPType", "SentBytes", "ReceivedBytes"] + GROUP_KEYS,
    dtype={**NUMERIC_COLUMNS, "DeviceName": str, "InitiatingProcessFileName": str,
           "InitiatingProcessCommandLine": str, "RemoteIP": str, "RemoteIPType": str, "Timestamp": str},
    keep_default_na=False,
    na_values={name: [""] for name in NUMERIC_COLUMNS},
)


def read_recent_public(path, now, chunk_rows):
    """Return the rows of the last 24 h with a public remote address, and the number of rows read."""
    window_start = now - pd.Timedelta(hours=24)
    parts = []
    rows_read = 0
    for chunk in pd.read_csv(path, chunksize=chunk_rows, **READ_OPTIONS):
        rows_read += len(chunk)
        # The text is ISO 8601 with 0-7 fraction digits and "Z". Pandas keeps nanoseconds, so no tick is lost.
        timestamps = pd.to_datetime(chunk["Timestamp"], utc=True)
        keep = (timestamps > window_start) & (chunk["RemoteIPType"] == "Public")
        part = chunk.loc[keep].copy()
        part["Timestamp"] = timestamps[keep]
        parts.append(part)
    return pd.concat(parts, ignore_index=True), rows_read


def sum_or_null(grouped, column):
    """Sum per group, with null where every value is null (pandas alone returns 0 there)."""
    totals = grouped[column].sum()
    return totals.where(grouped[column].count() > 0)


def summarize_connections(rows):
    grouped = rows.groupby(GROUP_KEYS, sort=False, dropna=False)
    return pd.DataFrame({
        "ConnectionCount": grouped.size(),
        "UniqueRemoteIPs": grouped["RemoteIP"].nunique(),
        "BytesSent": sum_or_null(grouped, "SentBytes"),
        "BytesReceived": sum_or_null(grouped, "ReceivedBytes"),
        "FirstSeen": grouped["Timestamp"].min(),
        "LastSeen": grouped["Timestamp"].max(),
    }).reset_index()


def fake_tls_beacon(recent, names):
    """Compute detection 1 without its Ports and BeaconInterval columns, because the final project drops them."""
    rows = recent[recent["RemotePort"].isin(FAKE_TLS_PORTS) & ~names.isin(BROWSERS)]
    summary = summarize_connections(rows)
    keep = (summary["ConnectionCount"] >= 3) | (summary["BytesSent"] > 50000).fillna(False)
    return summary[keep].assign(SuspicionReason="TLS-port-non-browser-process")


def anomalous_http(recent, names):
    """Compute detection 2."""
    rows = recent[recent["RemotePort"].isin(HTTP_PORTS) & names.isin(SUSPICIOUS_HOSTS)]
    summary = summarize_connections(rows)
    return summary[summary["ConnectionCount"] >= 2].assign(SuspicionReason="HTTP-from-suspicious-process")


def beaconing_pattern(recent, names):
    """Compute detection 3, with intervals in 100 ns ticks as Kusto's series_subtract() gives them for datetimes."""
    rows = recent[~names.isin(BROWSERS + ["msmpeng.exe"])]
    counts = rows.groupby(BEACON_KEYS, sort=False, dropna=False)["Timestamp"].transform("size")
    rows = rows[(counts >= 5) & (counts <= 200)].sort_values(BEACON_KEYS + ["Timestamp"])
    ticks = rows["Timestamp"].astype("int64") // 100
    grouped_ticks = ticks.groupby([rows[key] for key in BEACON_KEYS], sort=False, dropna=False)
    rows = rows.assign(TimeDiff=grouped_ticks.diff())
    grouped = rows.groupby(BEACON_KEYS, sort=False, dropna=False)
    summary = pd.DataFrame({
        "ConnectionCount": grouped.size(),
        "UniqueRemoteIPs": grouped["RemoteIP"].nunique(),
        "BytesSent": sum_or_null(grouped, "SentBytes"),
        "AvgIntervalMs": grouped["TimeDiff"].mean(),
        "StdDevInterval": grouped["TimeDiff"].std(ddof=1),
    }).reset_index()
    keep = (summary["AvgIntervalMs"] > 0) & (summary["StdDevInterval"] / summary["AvgIntervalMs"] < 0.30)
    return summary[keep].assign(SuspicionReason="regular-beaconing-interval")


def format_time(values):
    """Format datetimes as Kusto does: ISO 8601 UTC with 7 fraction digits."""
    return values.dt.strftime("%Y-%m-%dT%H:%M:%S.") + (values.dt.microsecond * 10 + values.dt.nanosecond // 100
                                                        ).astype(str).str.zfill(7) + "Z"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="CSV export with SentBytes and ReceivedBytes columns")
    parser.add_argument("--now", required=True, help="query time, ISO 8601 UTC such as 2024-03-10T12:00:00Z")
    parser.add_argument("--beaconing", action="store_true", help="also compute detection 3 and print its rows")
    parser.add_argument("--chunk-rows", type=int, default=1_000_000, help="rows per read_csv chunk")
    parser.add_argument("-o", "--output", default="-", help="output CSV file, '-' for stdout")
    arguments = parser.parse_args()

    started = time.perf_counter()
    now = pd.Timestamp(arguments.now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    recent, rows_read = read_recent_public(arguments.input, now, arguments.chunk_rows)
    names = recent["InitiatingProcessFileName"].str.lower()

    seed = pd.concat([fake_tls_beacon(recent, names), anomalous_http(recent, names)], ignore_index=True)
    seed = seed.sort_values("FirstSeen", ascending=False, kind="stable")
    seed = seed.assign(Timestamp=format_time(seed["FirstSeen"]))
    output_columns = ["Timestamp", "DeviceName", "InitiatingProcessFileName", "InitiatingProcessCommandLine",
                      "ConnectionCount", "UniqueRemoteIPs", "BytesSent", "BytesReceived", "SuspicionReason"]
    output = sys.stdout if arguments.output == "-" else open(arguments.output, "w", newline="")
    seed[output_columns].to_csv(output, index=False, lineterminator="\r\n")
    beacon_rows = 0
    if arguments.beaconing:
        beacons = beaconing_pattern(recent, names)
        beacon_rows = len(beacons)
        beacons.to_csv(output, index=False, lineterminator="\r\n")
    if output is not sys.stdout:
        output.close()
    print(f"pandas {pd.__version__} rows_read={rows_read} seed_rows={len(seed)} beaconing_rows={beacon_rows} "
          f"seconds={time.perf_counter() - started:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
