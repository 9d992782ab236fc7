-- The seed hunting rule (T1001.003, "Protocol or Service Impersonation", three detections over
-- Defender's DeviceNetworkEvents) written in DuckDB SQL, for timing DuckDB on the same export.
--
-- bench/run_duckdb.mjs sets two variables, runs the setup statement, then the requested ones:
--   input: path of the CSV export, with the SentBytes and ReceivedBytes extension columns.
--   now: the query time as a TIMESTAMP in UTC. KQL's ago(24h) becomes now - 24 hours.
-- Each statement follows a "-- statement: NAME" line.
--
-- Where KQL and SQL differ, the KQL meaning is kept:
--   * Empty CSV fields in string columns are empty strings in Kusto, so they are read with
--     force_not_null; `not(x in~ (...))` is then true for an empty process name, as in Kusto.
--   * in~ compares ignoring case, written as lower(x) IN (lower-case names).
--   * dcount() is exact below 1,000 distinct values at Kusto's default accuracy, so it becomes
--     count(DISTINCT ...).
--   * DuckDB keeps microseconds and truncates the 7th fraction digit, so FirstSeen and LastSeen
--     can differ from Kusto's by up to 0.9 microseconds.
--   * Detection 3 (BeaconingPattern) is not part of the seed's union. It is the second statement,
--     with the list of times sorted, which Kusto's make_list() does not promise, and the
--     intervals in 100 ns ticks as Kusto's series_subtract() yields them for datetimes.

-- statement: setup
-- Table macro for the export with its column types, so that both detections read the same table.
CREATE OR REPLACE TEMP MACRO defender_export(path) AS TABLE
    SELECT * FROM read_csv(path, header = true, delim = ',', quote = '"', escape = '"',
                  columns = {
                      'Timestamp': 'TIMESTAMP', 'DeviceId': 'VARCHAR', 'DeviceName': 'VARCHAR',
                      'ActionType': 'VARCHAR', 'RemoteIP': 'VARCHAR', 'RemotePort': 'INTEGER',
                      'RemoteUrl': 'VARCHAR', 'LocalIP': 'VARCHAR', 'LocalPort': 'INTEGER', 'Protocol': 'VARCHAR',
                      'LocalIPType': 'VARCHAR', 'RemoteIPType': 'VARCHAR', 'InitiatingProcessSHA1': 'VARCHAR',
                      'InitiatingProcessSHA256': 'VARCHAR', 'InitiatingProcessMD5': 'VARCHAR',
                      'InitiatingProcessFileName': 'VARCHAR', 'InitiatingProcessFileSize': 'BIGINT',
                      'InitiatingProcessVersionInfoCompanyName': 'VARCHAR',
                      'InitiatingProcessVersionInfoProductName': 'VARCHAR',
                      'InitiatingProcessVersionInfoProductVersion': 'VARCHAR',
                      'InitiatingProcessVersionInfoInternalFileName': 'VARCHAR',
                      'InitiatingProcessVersionInfoOriginalFileName': 'VARCHAR',
                      'InitiatingProcessVersionInfoFileDescription': 'VARCHAR', 'InitiatingProcessId': 'BIGINT',
                      'InitiatingProcessCommandLine': 'VARCHAR', 'InitiatingProcessCreationTime': 'TIMESTAMP',
                      'InitiatingProcessFolderPath': 'VARCHAR', 'InitiatingProcessParentFileName': 'VARCHAR',
                      'InitiatingProcessParentId': 'BIGINT', 'InitiatingProcessParentCreationTime': 'TIMESTAMP',
                      'InitiatingProcessAccountDomain': 'VARCHAR', 'InitiatingProcessAccountName': 'VARCHAR',
                      'InitiatingProcessAccountSid': 'VARCHAR', 'InitiatingProcessAccountUpn': 'VARCHAR',
                      'InitiatingProcessAccountObjectId': 'VARCHAR', 'InitiatingProcessIntegrityLevel': 'VARCHAR',
                      'InitiatingProcessTokenElevation': 'VARCHAR', 'ReportId': 'BIGINT',
                      'AppGuardContainerId': 'VARCHAR', 'AdditionalFields': 'VARCHAR',
                      'InitiatingProcessSessionId': 'BIGINT', 'IsInitiatingProcessRemoteSession': 'BOOLEAN',
                      'InitiatingProcessRemoteSessionDeviceName': 'VARCHAR',
                      'InitiatingProcessRemoteSessionIP': 'VARCHAR', 'InitiatingProcessUniqueId': 'VARCHAR',
                      'LogonID': 'BIGINT', 'SentBytes': 'BIGINT', 'ReceivedBytes': 'BIGINT'},
                  force_not_null = ['DeviceName', 'RemoteIP', 'RemoteIPType', 'InitiatingProcessFileName',
                                    'InitiatingProcessCommandLine']);

-- statement: seed
WITH recent_public AS (
    SELECT "Timestamp", DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine, InitiatingProcessId,
           RemoteIP, RemotePort, SentBytes, ReceivedBytes
    FROM defender_export(getvariable('input'))
    WHERE "Timestamp" > getvariable('now') - INTERVAL 24 HOUR AND RemoteIPType = 'Public'
),
-- Detection 1: TLS ports from processes that are not browsers.
fake_tls_beacon AS (
    SELECT DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine, InitiatingProcessId,
           count(*) AS ConnectionCount, sum(SentBytes) AS BytesSent, sum(ReceivedBytes) AS BytesReceived,
           count(DISTINCT RemoteIP) AS UniqueRemoteIPs, list(DISTINCT RemotePort) AS Ports,
           min("Timestamp") AS FirstSeen, max("Timestamp") AS LastSeen,
           -- Same as KQL's datetime_diff('minute', LastSeen, FirstSeen), because both count the minute
           -- boundaries crossed.
           date_diff('minute', min("Timestamp"), max("Timestamp")) AS BeaconInterval
    FROM recent_public
    WHERE RemotePort IN (443, 8443, 4443, 8080, 8888)
      AND lower(InitiatingProcessFileName) NOT IN ('chrome.exe', 'firefox.exe', 'msedge.exe', 'iexplore.exe',
                                                   'teams.exe', 'slack.exe', 'zoom.exe', 'outlook.exe',
                                                   'onedrive.exe', 'svchost.exe')
    GROUP BY DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine, InitiatingProcessId
    HAVING count(*) >= 3 OR sum(SentBytes) > 50000
),
-- Detection 2: web ports from LOLBins and service hosts.
anomalous_http AS (
    SELECT DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine, InitiatingProcessId,
           count(*) AS ConnectionCount, count(DISTINCT RemoteIP) AS UniqueRemoteIPs,
           sum(SentBytes) AS BytesSent, sum(ReceivedBytes) AS BytesReceived,
           min("Timestamp") AS FirstSeen, max("Timestamp") AS LastSeen
    FROM recent_public
    WHERE RemotePort IN (80, 443, 8080, 8443)
      AND lower(InitiatingProcessFileName) IN ('svchost.exe', 'lsass.exe', 'rundll32.exe', 'regsvr32.exe',
                                               'mshta.exe', 'wscript.exe', 'cscript.exe', 'msbuild.exe',
                                               'installutil.exe', 'regasm.exe', 'regsvcs.exe')
    GROUP BY DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine, InitiatingProcessId
    HAVING count(*) >= 2
)
SELECT "Timestamp", DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine, ConnectionCount,
       UniqueRemoteIPs, BytesSent, BytesReceived, SuspicionReason
FROM (
    SELECT FirstSeen AS "Timestamp", DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine,
           ConnectionCount, UniqueRemoteIPs, BytesSent, BytesReceived,
           'TLS-port-non-browser-process' AS SuspicionReason
    FROM fake_tls_beacon
    UNION ALL
    SELECT FirstSeen, DeviceName, InitiatingProcessFileName, InitiatingProcessCommandLine, ConnectionCount,
           UniqueRemoteIPs, BytesSent, BytesReceived, 'HTTP-from-suspicious-process'
    FROM anomalous_http
)
ORDER BY "Timestamp" DESC;

-- statement: beaconing
WITH -- Detection 3: regular intervals between connections of one process to one address and port.
grouped AS (
    SELECT DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort,
           list("Timestamp" ORDER BY "Timestamp") AS ConnectionTimes, count(*) AS ConnectionCount,
           count(DISTINCT RemoteIP) AS UniqueRemoteIPs, sum(SentBytes) AS BytesSent
    FROM defender_export(getvariable('input'))
    WHERE "Timestamp" > getvariable('now') - INTERVAL 24 HOUR
      AND RemoteIPType = 'Public'
      AND lower(InitiatingProcessFileName) NOT IN ('chrome.exe', 'firefox.exe', 'msedge.exe', 'iexplore.exe',
                                                   'teams.exe', 'slack.exe', 'zoom.exe', 'outlook.exe',
                                                   'onedrive.exe', 'svchost.exe', 'msmpeng.exe')
    GROUP BY DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort
    HAVING count(*) BETWEEN 5 AND 200
),
intervals AS (
    SELECT *,
           list_transform(range(1, len(ConnectionTimes)),
                          i -> (epoch_us(ConnectionTimes[i + 1]) - epoch_us(ConnectionTimes[i])) * 10) AS TimeDiffs
    FROM grouped
),
scored AS (
    SELECT *, list_sum(TimeDiffs)::DOUBLE / len(TimeDiffs) AS AvgIntervalMs,
           list_stddev_samp(TimeDiffs) AS StdDevInterval
    FROM intervals
)
SELECT DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort, ConnectionCount, UniqueRemoteIPs, BytesSent,
       AvgIntervalMs, StdDevInterval, 'regular-beaconing-interval' AS SuspicionReason
FROM scored
WHERE AvgIntervalMs > 0 AND StdDevInterval / AvgIntervalMs < 0.30
ORDER BY DeviceName, InitiatingProcessFileName, RemoteIP, RemotePort;
