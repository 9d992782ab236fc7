#include "known_answer_scenario.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "event_rows.h"

namespace unmask::bench {
namespace {

constexpr std::string_view kWorkstation = "3f9a0c1e5b7d2a4c6e8f0a1b3c5d7e9f1a2b4c6d,wks-fin-007.corp.contoso.com";
constexpr std::string_view kWorkstationIp = "10.20.7.41";
constexpr std::string_view kBuildServer = "b7e1d3c5a9f2e4b6d8c0a2e4f6b8d0c2e4a6b8d0,srv-build-02.corp.contoso.com";
constexpr std::string_view kBuildServerIp = "10.1.2.52";

constexpr std::string_view kUserSid = "S-1-5-21-1721254763-462695806-1538882281-4156";

enum ProcessKey {
    kUpdater,          // the planted non-browser process on 8443 (detection 1)
    kUpdaterRestarted, // the same binary after a restart: another PID, so another group
    kRundll32,         // the planted LOLBin on port 80 (detection 2 only)
    kChrome,
    kEdge,
    kOneDrive,    // excluded as "onedrive.exe" only when in~ ignores case
    kDefender,    // MsMpEng.exe: excluded from detection 3 but not from detection 1
    kSyncAgent,   // 2 connections on 8443: below the threshold of 3
    kBackupAgent, // 1 connection but more than 50,000 bytes sent
    kServiceHost, // svchost.exe: excluded from detection 1, listed in detection 2
    kTelemetry,   // a regular 10-minute beacon on port 9001: detection 3 only
    kProcessCount
};

ProcessSpec UserProcess(std::string_view file_name, std::string_view folder_path, std::string_view command_line,
                        int64_t process_id, int64_t now) {
    ProcessSpec spec;
    spec.file_name = std::string(file_name);
    spec.folder_path = std::string(folder_path);
    spec.command_line = std::string(command_line);
    spec.process_id = process_id;
    spec.creation_time = now - 30 * kTicksPerHour - 4'218'750;
    spec.parent_file_name = "explorer.exe";
    spec.parent_id = 5412;
    spec.parent_creation_time = now - 31 * kTicksPerHour;
    spec.account_domain = "contoso";
    spec.account_name = "avance";
    spec.account_sid = std::string(kUserSid);
    spec.account_upn = "adele.vance@contoso.com";
    spec.account_object_id = "6e7b768e-07e2-4810-8459-485f84f8f204";
    spec.integrity_level = "Medium";
    spec.token_elevation = "TokenElevationTypeLimited";
    spec.session_id = 1;
    spec.is_remote_session = false;
    spec.unique_id = std::to_string(2'251'799'813'685'248 + process_id);
    spec.logon_id = 4'481'337;
    return spec;
}

ProcessSpec ServiceProcess(std::string_view file_name, std::string_view folder_path, std::string_view command_line,
                           int64_t process_id, int64_t now) {
    ProcessSpec spec;
    spec.file_name = std::string(file_name);
    spec.folder_path = std::string(folder_path);
    spec.command_line = std::string(command_line);
    spec.process_id = process_id;
    spec.creation_time = now - 50 * kTicksPerHour;
    spec.parent_file_name = "services.exe";
    spec.parent_id = 812;
    spec.parent_creation_time = now - 50 * kTicksPerHour - 3 * kTicksPerSecond;
    spec.account_domain = "nt authority";
    spec.account_name = "system";
    spec.account_sid = "S-1-5-18";
    spec.integrity_level = "System";
    spec.token_elevation = "TokenElevationTypeDefault";
    spec.session_id = 0;
    spec.is_remote_session = false;
    spec.unique_id = std::to_string(1'125'899'906'842'624 + process_id);
    spec.logon_id = 999;
    return spec;
}

std::vector<ProcessColumns> ScenarioProcesses(int64_t now) {
    std::vector<ProcessSpec> specs(kProcessCount);
    specs[kUpdater] = UserProcess(
        "updater.exe", "c:\\users\\avance\\appdata\\local\\temp\\updater.exe",
        "\"C:\\Users\\avance\\AppData\\Local\\Temp\\updater.exe\" --silent --channel \"stable,beta\"", 6144, now);
    specs[kUpdater].sha1 = "0c4f7c5f1b7f4e3f0c2a9d8e7b6a5f4e3d2c1b0a";
    specs[kUpdater].md5 = "5d41402abc4b2a76b9719d911017c592";
    specs[kUpdater].file_size = 289792;
    specs[kUpdaterRestarted] = specs[kUpdater];
    specs[kUpdaterRestarted].process_id = 7032;
    specs[kUpdaterRestarted].creation_time = now - 40 * kTicksPerMinute;
    specs[kUpdaterRestarted].unique_id = "2251799813692280";

    specs[kRundll32] = UserProcess("rundll32.exe", "c:\\windows\\system32\\rundll32.exe",
                                   "rundll32.exe \"C:\\ProgramData\\Intel\\gfxsvc.dll\",DllRegisterServer", 4312, now);
    specs[kRundll32].parent_file_name = "WINWORD.EXE";
    specs[kRundll32].company_name = "Microsoft Corporation";
    specs[kRundll32].original_file_name = "RUNDLL32.EXE";

    specs[kChrome] = UserProcess("chrome.exe", "c:\\program files\\google\\chrome\\application\\chrome.exe",
                                 "\"chrome.exe\" --type=utility --utility-sub-type=network.mojom.NetworkService "
                                 "--lang=en-US --service-sandbox-type=none /prefetch:8",
                                 15428, now);
    specs[kChrome].parent_file_name = "chrome.exe";
    specs[kEdge] = UserProcess("msedge.exe", "c:\\program files (x86)\\microsoft\\edge\\application\\msedge.exe",
                               "\"msedge.exe\" --type=utility --utility-sub-type=network.mojom.NetworkService "
                               "--lang=en-US --service-sandbox-type=none /prefetch:11",
                               8812, now);
    specs[kEdge].parent_file_name = "msedge.exe";
    specs[kOneDrive] =
        UserProcess("OneDrive.exe", "c:\\users\\avance\\appdata\\local\\microsoft\\onedrive\\onedrive.exe",
                    "\"C:\\Users\\avance\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /background", 9100, now);

    specs[kDefender] = ServiceProcess(
        "MsMpEng.exe", "c:\\programdata\\microsoft\\windows defender\\platform\\4.18.23110.3-0\\msmpeng.exe",
        "\"MsMpEng.exe\"", 3528, now);
    specs[kSyncAgent] = ServiceProcess("syncagent.exe", "c:\\program files\\contoso\\sync\\syncagent.exe",
                                       "\"C:\\Program Files\\Contoso\\Sync\\syncagent.exe\" -service", 2020, now);
    specs[kBackupAgent] =
        ServiceProcess("bkagent.exe", "c:\\program files\\contoso\\backup\\bkagent.exe",
                       "\"C:\\Program Files\\Contoso\\Backup\\bkagent.exe\" --target \"s3,eu-west-1\"", 5120, now);
    specs[kServiceHost] = ServiceProcess("svchost.exe", "c:\\windows\\system32\\svchost.exe",
                                         "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s wuauserv", 1288, now);
    specs[kTelemetry] = ServiceProcess("telemetry.exe", "c:\\program files\\contoso\\telemetry\\telemetry.exe",
                                       "\"C:\\Program Files\\Contoso\\Telemetry\\telemetry.exe\"", 2900, now);

    std::vector<ProcessColumns> processes;
    for (const ProcessSpec& spec : specs) {
        processes.push_back(RenderProcess(spec));
    }
    return processes;
}

// One row of the scenario. `offset` is subtracted from now, and a process of kSensor (-1) makes a
// sensor row.
struct ScenarioRow {
    int64_t offset;
    std::string_view device;
    int process;
    std::string_view action_type;
    std::string_view remote_ip;
    int32_t remote_port;
    std::string_view remote_ip_type;
    int64_t sent_bytes;
    int64_t received_bytes;
    std::string_view additional_fields = {};
};

constexpr int kSensor = -1;
constexpr int64_t kHour = kTicksPerHour;
constexpr int64_t kMinute = kTicksPerMinute;
constexpr int64_t kNull = -1;

std::vector<ScenarioRow> ScenarioRows() {
    constexpr std::string_view kA = kWorkstation;
    constexpr std::string_view kB = kBuildServer;
    constexpr std::string_view kSuccess = "ConnectionSuccess";
    constexpr std::string_view kFailed = "ConnectionFailed";
    constexpr std::string_view kPublic = "Public";
    constexpr std::string_view kPrivate = "Private";
    // Offsets subtract a fraction from a whole hour, so FirstSeen values carry 7, 2, 4 and 1
    // fraction digits: now - 23h + 0.1234567 s is written 23 * kHour - 1'234'567.
    std::vector<ScenarioRow> rows = {
        // updater.exe, PID 6144: three rows in the last 24 h on 8443 to two public addresses, one of them a
        // failure with null byte counts. Expected detection 1 row: 3 connections, 2 addresses, 10200 / 2700 bytes.
        {23 * kHour - 1'234'567, kA, kUpdater, kSuccess, "185.220.101.45", 8443, kPublic, 4200, 1300},
        {12 * kHour - 5'000'000, kA, kUpdater, kFailed, "2a05:d014:9f1:3b00::21", 8443, kPublic, kNull, kNull},
        {1 * kHour - 100, kA, kUpdater, kSuccess, "185.220.101.45", 8443, kPublic, 6000, 1400},
        // Not counted: exactly 24 h old (ago() is a strict bound), older, private, IPv4-mapped.
        {24 * kHour, kA, kUpdater, kSuccess, "185.220.101.45", 8443, kPublic, 9000, 9000},
        {25 * kHour, kA, kUpdater, kSuccess, "185.220.101.45", 8443, kPublic, 9000, 9000},
        {30 * kHour, kA, kUpdater, kSuccess, "185.220.101.45", 8443, kPublic, 9000, 9000},
        {2 * kHour, kA, kUpdater, kSuccess, "10.20.0.15", 8443, kPrivate, 9000, 9000},
        {3 * kHour, kA, kUpdater, kSuccess, "::ffff:185.220.101.45", 8443, "FourToSixMapping", 9000, 9000},
        {30 * kMinute, kA, kUpdaterRestarted, kSuccess, "185.220.101.45", 8443, kPublic, 900, 300},

        // rundll32.exe, PID 4312: two public port-80 rows. Expected detection 2 row: 2 connections, 750 / 12000.
        {18 * kHour - 2'500'000, kA, kRundll32, kSuccess, "45.77.12.9", 80, kPublic, 300, 5000},
        {17 * kHour, kA, kRundll32, kSuccess, "45.77.12.9", 80, kPublic, 450, 7000},
        {4 * kHour, kA, kRundll32, kSuccess, "192.168.1.10", 80, kPrivate, 100, 100},
        {26 * kHour, kA, kRundll32, kSuccess, "45.77.12.9", 80, kPublic, 100, 100},

        // Browsers and OneDrive: excluded from detection 1 by name (OneDrive.exe only case-insensitively).
        {22 * kHour, kA, kChrome, kSuccess, "142.250.185.78", 443, kPublic, 1800, 64000},
        {21 * kHour, kA, kChrome, kSuccess, "142.250.185.78", 443, kPublic, 900, 12000},
        {16 * kHour, kA, kChrome, kSuccess, "151.101.1.69", 443, kPublic, 1200, 88000},
        {11 * kHour, kA, kChrome, kSuccess, "104.18.32.47", 443, kPublic, 700, 5400},
        {7 * kHour, kA, kChrome, kSuccess, "2a00:1450:4001:82b::200e", 443, kPublic, 2100, 130000},
        {2 * kHour, kA, kChrome, kSuccess, "142.250.185.78", 443, kPublic, 650, 3000},
        {6 * kHour, kA, kChrome, kSuccess, "185.199.108.153", 8443, kPublic, 400, 800},
        {5 * kHour, kA, kChrome, kSuccess, "185.199.108.153", 8443, kPublic, 400, 800},
        {20 * kHour, kB, kEdge, kSuccess, "13.107.21.239", 443, kPublic, 1500, 40000},
        {15 * kHour, kB, kEdge, kSuccess, "13.107.21.239", 443, kPublic, 1500, 40000},
        {10 * kHour, kB, kEdge, kSuccess, "204.79.197.200", 443, kPublic, 800, 9000},
        {6 * kHour, kB, kEdge, kSuccess, "204.79.197.200", 443, kPublic, 800, 9000},
        {3 * kHour, kB, kEdge, kSuccess, "13.107.21.239", 443, kPublic, 1500, 40000},
        {90 * kMinute, kB, kEdge, kFailed, "20.189.173.1", 8080, kPublic, 0, 0},
        {19 * kHour, kA, kOneDrive, kSuccess, "13.107.42.12", 443, kPublic, 52000, 2000},
        {13 * kHour, kA, kOneDrive, kSuccess, "13.107.42.12", 443, kPublic, 61000, 2000},
        {8 * kHour, kA, kOneDrive, kSuccess, "13.107.42.12", 443, kPublic, 48000, 2000},
        {45 * kMinute, kA, kOneDrive, kSuccess, "13.107.42.12", 443, kPublic, 70000, 2000},

        // MsMpEng.exe, PID 3528: listed only in detection 3's exclusions, so detection 1 reports it:
        // 3 connections, 2 addresses, 6000 / 60000 bytes.
        {8 * kHour - 625'000, kB, kDefender, kSuccess, "20.42.65.92", 443, kPublic, 1000, 10000},
        {7 * kHour, kB, kDefender, kSuccess, "20.42.65.92", 443, kPublic, 2000, 20000},
        {2 * kHour + 30 * kMinute, kB, kDefender, kSuccess, "52.168.117.170", 443, kPublic, 3000, 30000},

        // syncagent.exe, PID 2020: 2 connections and 2000 bytes, below both detection 1 thresholds.
        {10 * kHour, kB, kSyncAgent, kSuccess, "91.198.174.192", 8443, kPublic, 1000, 500},
        {9 * kHour, kB, kSyncAgent, kSuccess, "91.198.174.192", 8443, kPublic, 1000, 500},

        // bkagent.exe, PID 5120: one connection with 75000 bytes sent passes `BytesSent > 50000`.
        {5 * kHour - 9'000'000, kB, kBackupAgent, kSuccess, "52.95.155.40", 4443, kPublic, 75000, 1500},

        // svchost.exe, PID 1288: excluded from detection 1 by name. Its one port-443 row is below detection 2's
        // threshold of 2.
        {7 * kHour + 30 * kMinute, kB, kServiceHost, kSuccess, "40.126.32.134", 4443, kPublic, 500, 500},
        {6 * kHour + 30 * kMinute, kB, kServiceHost, kSuccess, "40.126.32.134", 4443, kPublic, 500, 500},
        {5 * kHour + 30 * kMinute, kB, kServiceHost, kSuccess, "40.126.32.134", 4443, kPublic, 500, 500},
        {4 * kHour + 30 * kMinute, kB, kServiceHost, kSuccess, "13.107.4.50", 443, kPublic, 700, 90000},

        // telemetry.exe, PID 2900: six connections 10 minutes apart on port 9001. Only detection 3 would report
        // them, and the seed never adds detection 3 to its union.
        {3 * kHour, kB, kTelemetry, kSuccess, "146.70.91.12", 9001, kPublic, 256, 128},
        {3 * kHour - 10 * kMinute + 2'000'000, kB, kTelemetry, kSuccess, "146.70.91.12", 9001, kPublic, 256, 128},
        {3 * kHour - 20 * kMinute - 1'000'000, kB, kTelemetry, kSuccess, "146.70.91.12", 9001, kPublic, 256, 128},
        {3 * kHour - 30 * kMinute, kB, kTelemetry, kSuccess, "146.70.91.12", 9001, kPublic, 256, 128},
        {3 * kHour - 40 * kMinute + 3'000'000, kB, kTelemetry, kSuccess, "146.70.91.12", 9001, kPublic, 256, 128},
        {3 * kHour - 50 * kMinute, kB, kTelemetry, kSuccess, "146.70.91.12", 9001, kPublic, 256, 128},

        // Sensor rows: no process and null IP types, so no detection counts them.
        {23 * kHour - 2'000'000, kA, kSensor, "SslConnectionInspected", "185.220.101.45", 8443, "", kNull, kNull,
         R"json({"direction":"Out","version":"TLSv12","server_name":"cdn.stable-beta.net",)json"
         R"json("established":"true"})json"},
        {18 * kHour - 3'000'000, kA, kSensor, "HttpConnectionInspected", "45.77.12.9", 80, "", kNull, kNull,
         R"json({"direction":"Out","host":"45.77.12.9","method":"POST","uri":"/submit.php",)json"
         R"json("user_agent":"Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1)","status_code":"200"})json"},
        {17 * kHour - 1'000'000, kA, kSensor, "DnsConnectionInspected", "10.1.0.10", 53, "", kNull, kNull,
         R"json({"direction":"Out","query":"cdn.stable-beta.net","qtype_name":"A","rcode_name":"NOERROR",)json"
         R"json("answers":"[\"185.220.101.45\"]"})json"},
    };
    return rows;
}

} // namespace

void WriteSeedKnownAnswerScenario(int64_t now, CsvOutput& output) {
    const std::vector<ProcessColumns> processes = ScenarioProcesses(now);
    std::vector<ScenarioRow> rows = ScenarioRows();
    // Newest first, as portal exports usually are.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const ScenarioRow& a, const ScenarioRow& b) { return a.offset < b.offset; });

    ProcessColumns listening_updater = processes[kUpdater];
    WriteHeader(true, output);
    int64_t report_id = 51'200;
    int32_t local_port = 51'000;
    std::string additional_fields;
    for (const ScenarioRow& scenario : rows) {
        EventRow row;
        row.timestamp = now - scenario.offset;
        row.device = scenario.device;
        row.action_type = scenario.action_type;
        row.remote_ip = scenario.remote_ip;
        row.remote_port = scenario.remote_port;
        const bool workstation = scenario.device == kWorkstation;
        const bool ipv6 = scenario.remote_ip.find(':') != std::string_view::npos;
        const bool mapped = scenario.remote_ip.starts_with("::ffff:");
        row.local_ip = workstation ? kWorkstationIp : kBuildServerIp;
        if (mapped) {
            row.local_ip = workstation ? "::ffff:10.20.7.41" : "::ffff:10.1.2.52";
        } else if (ipv6) {
            row.local_ip = workstation ? "2a01:111:f100:3000::a14:729" : "2a01:111:f100:3000::a01:234";
        }
        row.local_port = local_port++;
        row.protocol = "Tcp";
        if (!scenario.remote_ip_type.empty()) {
            row.local_ip_type = mapped ? "FourToSixMapping" : (ipv6 ? "Public" : "Private");
        }
        row.remote_ip_type = scenario.remote_ip_type;
        row.process = scenario.process == kSensor ? nullptr : &processes[static_cast<size_t>(scenario.process)];
        row.report_id = report_id--;
        additional_fields = CsvField(scenario.additional_fields);
        row.additional_fields = additional_fields;
        row.sent_bytes = scenario.sent_bytes;
        row.received_bytes = scenario.received_bytes;
        WriteEventRow(row, true, output);

        // updater.exe also opens a listening socket. It has no remote side, so no detection counts it.
        if (scenario.process == kUpdater && scenario.offset == 1 * kHour - 100) {
            EventRow listening;
            listening.timestamp = row.timestamp - 1;
            listening.device = kWorkstation;
            listening.action_type = "ListeningConnectionCreated";
            listening.local_ip = "0.0.0.0";
            listening.local_port = 8443;
            listening.protocol = "TcpV4";
            listening.process = &listening_updater;
            listening.report_id = report_id--;
            WriteEventRow(listening, true, output);
        }
    }
}

} // namespace unmask::bench
