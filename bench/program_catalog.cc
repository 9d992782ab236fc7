#include "program_catalog.h"

#include <array>

namespace unmask::bench {
namespace {

constexpr std::string_view kMicrosoft = "Microsoft Corporation";
constexpr std::string_view kWindows = "Microsoft\u00ae Windows\u00ae Operating System";
constexpr std::string_view kWindowsVersion = "10.0.22621.3007";
constexpr std::string_view kSystemLevel = "System";
constexpr std::string_view kMediumLevel = "Medium";
constexpr std::string_view kDefaultToken = "TokenElevationTypeDefault";
constexpr std::string_view kLimitedToken = "TokenElevationTypeLimited";

constexpr std::array kBackgroundPrograms = {
    Program{"chrome.exe", "c:\\program files\\google\\chrome\\application\\chrome.exe",
            "\"chrome.exe\" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US "
            "--service-sandbox-type=none --mojo-platform-channel-handle={n} /prefetch:8",
            "Google LLC", "Google Chrome", "120.0.6099.110", "chrome_exe", "chrome.exe", "Google Chrome", 2693920,
            "chrome.exe", Account::kUser, kMediumLevel, kLimitedToken, Traffic::kBrowser, 30, 70, false},
    Program{"msedge.exe", "c:\\program files (x86)\\microsoft\\edge\\application\\msedge.exe",
            "\"msedge.exe\" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US "
            "--service-sandbox-type=none --mojo-platform-channel-handle={n} /prefetch:11",
            kMicrosoft, "Microsoft Edge", "121.0.2277.83", "msedge_exe", "msedge.exe", "Microsoft Edge", 4106648,
            "msedge.exe", Account::kUser, kMediumLevel, kLimitedToken, Traffic::kBrowser, 26, 85, false},
    Program{"firefox.exe", "c:\\program files\\mozilla firefox\\firefox.exe",
            "\"C:\\Program Files\\Mozilla Firefox\\firefox.exe\" -contentproc -parentBuildID 20240108143603 "
            "-prefsLen 38765 -appDir \"C:\\Program Files\\Mozilla Firefox\\browser\" - {n} socket",
            "Mozilla Corporation", "Firefox", "121.0.1", "firefox", "firefox.exe", "Firefox", 667704, "firefox.exe",
            Account::kUser, "Low", kLimitedToken, Traffic::kBrowser, 22, 20, false},
    Program{"slack.exe", "c:\\users\\{user}\\appdata\\local\\slack\\app-4.36.140\\slack.exe",
            "\"C:\\Users\\{user}\\AppData\\Local\\slack\\app-4.36.140\\slack.exe\" --type=utility "
            "--utility-sub-type=network.mojom.NetworkService --mojo-platform-channel-handle={n}",
            "Slack Technologies, LLC", "Slack", "4.36.140", "slack", "slack.exe", "Slack", 172344968, "slack.exe",
            Account::kUser, kMediumLevel, kLimitedToken, Traffic::kBrowser, 6, 15, false},
    Program{"svchost.exe", "c:\\windows\\system32\\svchost.exe",
            "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s wuauserv", kMicrosoft, kWindows, kWindowsVersion,
            "svchost.exe", "svchost.exe", "Host Process for Windows Services", 57360, "services.exe", Account::kSystem,
            kSystemLevel, kDefaultToken, Traffic::kMicrosoftCloud, 9, 100, false},
    Program{"svchost.exe", "c:\\windows\\system32\\svchost.exe",
            "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s Dnscache", kMicrosoft, kWindows,
            kWindowsVersion, "svchost.exe", "svchost.exe", "Host Process for Windows Services", 57360, "services.exe",
            Account::kNetworkService, kSystemLevel, kDefaultToken, Traffic::kDnsClient, 12, 100, false},
    Program{"svchost.exe", "c:\\windows\\system32\\svchost.exe",
            "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s CryptSvc", kMicrosoft, kWindows,
            kWindowsVersion, "svchost.exe", "svchost.exe", "Host Process for Windows Services", 57360, "services.exe",
            Account::kNetworkService, kSystemLevel, kDefaultToken, Traffic::kCertificateFetch, 4, 100, false},
    Program{"svchost.exe", "c:\\windows\\system32\\svchost.exe",
            "C:\\Windows\\System32\\svchost.exe -k termsvcs -s TermService", kMicrosoft, kWindows, kWindowsVersion,
            "svchost.exe", "svchost.exe", "Host Process for Windows Services", 57360, "services.exe",
            Account::kNetworkService, kSystemLevel, kDefaultToken, Traffic::kRemoteDesktop, 3, 40, false},
    Program{"System", "c:\\windows\\system32\\ntoskrnl.exe", "", kMicrosoft, kWindows, kWindowsVersion, "ntkrnlmp.exe",
            "ntkrnlmp.exe", "NT Kernel & System", 11974168, "", Account::kSystem, kSystemLevel, kDefaultToken,
            Traffic::kKernel, 8, 100, false},
    Program{"lsass.exe", "c:\\windows\\system32\\lsass.exe", "C:\\Windows\\system32\\lsass.exe", kMicrosoft, kWindows,
            kWindowsVersion, "lsass.exe", "lsass.exe", "Local Security Authority Process", 84288, "wininit.exe",
            Account::kSystem, kSystemLevel, kDefaultToken, Traffic::kDirectory, 4, 100, false},
    Program{"MsMpEng.exe", "c:\\programdata\\microsoft\\windows defender\\platform\\4.18.23110.3-0\\msmpeng.exe",
            "\"MsMpEng.exe\"", kMicrosoft, kWindows, "4.18.23110.3", "MsMpEng.exe", "MsMpEng.exe",
            "Antimalware Service Executable", 133432, "services.exe", Account::kSystem, kSystemLevel, kDefaultToken,
            Traffic::kMicrosoftCloud, 3, 100, false},
    Program{"MsSense.exe", "c:\\program files\\windows defender advanced threat protection\\mssense.exe",
            "\"MsSense.exe\"", kMicrosoft, kWindows, "10.8560.22621.3007", "MsSense.exe", "MsSense.exe",
            "Windows Defender Advanced Threat Protection Service Executable", 5203904, "services.exe", Account::kSystem,
            kSystemLevel, kDefaultToken, Traffic::kMicrosoftCloud, 5, 100, false},
    Program{"ms-teams.exe",
            "c:\\program files\\windowsapps\\msteams_23320.3027.2591.1505_x64__8wekyb3d8bbwe\\ms-teams.exe",
            "\"ms-teams.exe\"", kMicrosoft, "Microsoft Teams", "23320.3027.2591.1505", "ms-teams", "ms-teams.exe",
            "Microsoft Teams", 1243496, "explorer.exe", Account::kUser, kMediumLevel, kLimitedToken,
            Traffic::kTeamsMedia, 8, 60, false},
    Program{"Teams.exe", "c:\\users\\{user}\\appdata\\local\\microsoft\\teams\\current\\teams.exe",
            "\"C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe\" --type=utility "
            "--utility-sub-type=network.mojom.NetworkService --mojo-platform-channel-handle={n}",
            kMicrosoft, "Microsoft Teams", "1.6.00.35961", "Teams.exe", "Teams.exe", "Microsoft Teams", 133247880,
            "Teams.exe", Account::kUser, kMediumLevel, kLimitedToken, Traffic::kTeamsMedia, 8, 25, false},
    Program{"OneDrive.exe", "c:\\users\\{user}\\appdata\\local\\microsoft\\onedrive\\onedrive.exe",
            "\"C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /background", kMicrosoft,
            "Microsoft OneDrive", "23.246.1127.0002", "OneDrive.exe", "OneDrive.exe", "Microsoft OneDrive", 3620040,
            "explorer.exe", Account::kUser, kMediumLevel, kLimitedToken, Traffic::kMicrosoftCloud, 5, 80, false},
    Program{"OUTLOOK.EXE", "c:\\program files\\microsoft office\\root\\office16\\outlook.exe",
            "\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\OUTLOOK.EXE\" ", kMicrosoft, "Microsoft Outlook",
            "16.0.17126.20132", "Outlook", "Outlook.exe", "Microsoft Outlook", 44050368, "explorer.exe", Account::kUser,
            kMediumLevel, kLimitedToken, Traffic::kMicrosoftCloud, 6, 70, false},
    Program{"OfficeClickToRun.exe",
            "c:\\program files\\common files\\microsoft shared\\clicktorun\\officeclicktorun.exe",
            "\"OfficeClickToRun.exe\" /service", kMicrosoft, "Microsoft 365 and Office", "16.0.16827.20278",
            "OfficeClickToRun.exe", "OfficeClickToRun.exe", "Microsoft Office Click-to-Run (SxS)", 12867584,
            "services.exe", Account::kSystem, kSystemLevel, kDefaultToken, Traffic::kMicrosoftCloud, 2, 70, false},
    Program{"MicrosoftEdgeUpdate.exe", "c:\\program files (x86)\\microsoft\\edgeupdate\\microsoftedgeupdate.exe",
            "\"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe\" /ua /installsource "
            "scheduler",
            kMicrosoft, "Microsoft Edge Update", "1.3.185.17", "Microsoft Edge Update", "MicrosoftEdgeUpdate.exe",
            "Microsoft Edge Update", 205200, "svchost.exe", Account::kSystem, kSystemLevel, kDefaultToken,
            Traffic::kMicrosoftCloud, 1, 85, false},
    Program{"SearchHost.exe", "c:\\windows\\systemapps\\microsoftwindows.client.cbs_cw5n1h2txyewy\\searchhost.exe",
            "\"C:\\WINDOWS\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\SearchHost.exe\" "
            "-ServerName:CortanaUI.AppX8z9r6jm96hw4bsbneegw0kyxx296wr9t.mca",
            kMicrosoft, kWindows, "2124.25000.0.0", "SearchHost.exe", "SearchHost.exe", "SearchHost.exe", 833400,
            "svchost.exe", Account::kUser, "AppContainer", kLimitedToken, Traffic::kMicrosoftCloud, 2, 90, false},
    Program{"GoogleUpdate.exe", "c:\\program files (x86)\\google\\update\\googleupdate.exe",
            "\"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe\" /ua /installsource scheduler", "Google LLC",
            "Google Update", "1.3.36.352", "Google Update", "GoogleUpdate.exe", "Google Installer", 160616,
            "svchost.exe", Account::kSystem, kSystemLevel, kDefaultToken, Traffic::kBrowser, 1, 60, false},
    Program{"powershell.exe", "c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe",
            "\"powershell.exe\" -NoProfile -ExecutionPolicy Bypass -File "
            "\"C:\\ProgramData\\Contoso\\Scripts\\Get-Inventory.ps1\" -Upload",
            kMicrosoft, kWindows, kWindowsVersion, "POWERSHELL", "PowerShell.EXE", "Windows PowerShell", 455680,
            "svchost.exe", Account::kSystem, kSystemLevel, kDefaultToken, Traffic::kOccasional, 1, 15, false},
    Program{"rundll32.exe", "c:\\windows\\system32\\rundll32.exe",
            "rundll32.exe C:\\Windows\\system32\\inetcpl.cpl,ClearMyTracksByProcess Flags:65800 WinX:0 WinY:0",
            kMicrosoft, kWindows, kWindowsVersion, "rundll", "RUNDLL32.EXE", "Windows host process (Rundll32)", 71680,
            "msedge.exe", Account::kUser, kMediumLevel, kLimitedToken, Traffic::kOccasional, 1, 10, false},
    Program{"regsvr32.exe", "c:\\windows\\system32\\regsvr32.exe",
            "regsvr32.exe /s \"C:\\Program Files\\Contoso\\Agent\\ctxshell.dll\"", kMicrosoft, kWindows,
            kWindowsVersion, "REGSVR32", "REGSVR32.EXE", "Microsoft(C) Register Server", 25088, "msiexec.exe",
            Account::kSystem, kSystemLevel, kDefaultToken, Traffic::kOccasional, 1, 4, false},
    Program{"mshta.exe", "c:\\windows\\system32\\mshta.exe",
            "mshta.exe \"C:\\Program Files\\Contoso\\Portal\\launcher.hta\"", kMicrosoft, "Internet Explorer",
            "11.00.22621.1", "MSHTA.EXE", "MSHTA.EXE", "Microsoft (R) HTML Application host", 13312, "explorer.exe",
            Account::kUser, kMediumLevel, kLimitedToken, Traffic::kOccasional, 1, 3, false},
    Program{"Google Chrome Helper",
            "/applications/google chrome.app/contents/frameworks/google chrome framework.framework/versions/"
            "120.0.6099.129/helpers/google chrome helper.app/contents/macos/google chrome helper",
            "\"/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Versions/"
            "120.0.6099.129/Helpers/Google Chrome Helper.app/Contents/MacOS/Google Chrome Helper\" --type=utility "
            "--utility-sub-type=network.mojom.NetworkService --lang=en-US --seatbelt-client={n}",
            "", "", "", "", "", "", 176736, "Google Chrome", Account::kUser, "", "None", Traffic::kMacClient, 40, 80,
            true},
    Program{"com.apple.WebKit.Networking",
            "/system/library/frameworks/webkit.framework/versions/a/xpcservices/"
            "com.apple.webkit.networking.xpc/contents/macos/com.apple.webkit.networking",
            "/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/"
            "com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking",
            "", "", "", "", "", "", 169200, "xpcproxy", Account::kUser, "", "None", Traffic::kMacClient, 20, 90, true},
    Program{"Microsoft Outlook", "/applications/microsoft outlook.app/contents/macos/microsoft outlook",
            "\"/Applications/Microsoft Outlook.app/Contents/MacOS/Microsoft Outlook\"", "", "", "", "", "", "",
            94829392, "xpcproxy", Account::kUser, "", "None", Traffic::kMacClient, 20, 80, true},
    Program{"wdavdaemon_enterprise",
            "/library/application support/microsoft/defender/wdavdaemon_enterprise.app/contents/macos/"
            "wdavdaemon_enterprise",
            "\"/Library/Application Support/Microsoft/Defender/wdavdaemon_enterprise.app/Contents/MacOS/"
            "wdavdaemon_enterprise\" edr 12 11",
            "", "", "", "", "", "", 25426016, "launchd", Account::kSystem, "", "None", Traffic::kMacClient, 10, 100,
            true},
};

// Planted beacons. The unsigned binaries carry no version information, as such files usually do.
constexpr std::array kBeaconPrograms = {
    Program{"rundll32.exe", "c:\\windows\\system32\\rundll32.exe",
            "rundll32.exe \"C:\\Users\\{user}\\AppData\\Local\\Temp\\{n}.dll\",DllRegisterServer", kMicrosoft, kWindows,
            kWindowsVersion, "rundll", "RUNDLL32.EXE", "Windows host process (Rundll32)", 71680, "WINWORD.EXE",
            Account::kUser, kMediumLevel, kLimitedToken, Traffic::kOccasional, 1, 100, false},
    Program{"msupdate.exe", "c:\\users\\{user}\\appdata\\roaming\\microsoft\\network\\msupdate.exe",
            "\"C:\\Users\\{user}\\AppData\\Roaming\\Microsoft\\Network\\msupdate.exe\" --interval {n} "
            "--hosts \"cdn-a,cdn-b\"",
            "", "", "", "", "", "", 289792, "explorer.exe", Account::kUser, kMediumLevel, kLimitedToken,
            Traffic::kOccasional, 1, 100, false},
    Program{"RuntimeBroker64.exe", "c:\\programdata\\microsoft\\windows\\runtimebroker64.exe",
            "\"C:\\ProgramData\\Microsoft\\Windows\\RuntimeBroker64.exe\" -Embedding", "", "", "", "", "", "", 412160,
            "svchost.exe", Account::kSystem, kSystemLevel, kDefaultToken, Traffic::kOccasional, 1, 100, false},
    Program{"mshta.exe", "c:\\windows\\system32\\mshta.exe",
            "mshta.exe \"C:\\Users\\{user}\\AppData\\Local\\Temp\\invoice_{n}.hta\"", kMicrosoft, "Internet Explorer",
            "11.00.22621.1", "MSHTA.EXE", "MSHTA.EXE", "Microsoft (R) HTML Application host", 13312, "OUTLOOK.EXE",
            Account::kUser, kMediumLevel, kLimitedToken, Traffic::kOccasional, 1, 100, false},
    Program{"teamsupdate.exe", "c:\\users\\{user}\\appdata\\local\\temp\\teamsupdate.exe",
            "\"C:\\Users\\{user}\\AppData\\Local\\Temp\\teamsupdate.exe\" /silent /q=\"{n}\"", "", "", "", "", "", "",
            1548288, "cmd.exe", Account::kUser, kMediumLevel, kLimitedToken, Traffic::kOccasional, 1, 100, false},
};

constexpr std::array<std::string_view, 24> kGivenNames = {"adele",   "alex",   "allan", "christie",  "debra", "diego",
                                                          "emily",   "enrico", "grady", "henrietta", "irvin", "isaiah",
                                                          "johanna", "joni",   "lee",   "lidia",     "lynne", "megan",
                                                          "miriam",  "nestor", "patti", "pradeep",   "sarah", "zrinka"};
constexpr std::array<std::string_view, 24> kFamilyNames = {
    "vance",   "wilber",   "deyoung",  "cline",  "berger",    "siciliani", "braun",  "cattaneo",
    "archie",  "gonzales", "sellers",  "langer", "lauer",     "sherman",   "gu",     "holloway",
    "robbins", "bowen",    "caldwell", "wilke",  "fernandez", "gupta",     "kirsch", "nikolic"};
constexpr std::array<std::string_view, 10> kDepartments = {"fin",   "hr",  "eng", "ops", "sales",
                                                           "legal", "mkt", "it",  "rnd", "supp"};
constexpr std::array<std::string_view, 48> kHostWords = {
    "acme", "adnexus", "akam",  "atlas",  "blue",   "bright",  "cloud", "data",   "delta", "edge",   "fast",   "fiber",
    "flow", "global",  "graph", "green",  "hyper",  "insight", "lumen", "maple",  "media", "metric", "nimbus", "north",
    "nova", "omni",    "orbit", "pixel",  "prime",  "pulse",   "quant", "rapid",  "river", "scale",  "shop",   "signal",
    "sky",  "solar",   "stack", "stream", "summit", "tech",    "trend", "vertex", "vista", "wave",   "web",    "zen"};
constexpr std::array<std::string_view, 12> kHostPrefixes = {"www",  "cdn",  "api", "static",  "img",   "assets",
                                                            "edge", "sync", "ads", "gateway", "login", "telemetry"};
constexpr std::array<std::string_view, 8> kTopLevelDomains = {"com", "net", "io", "org", "co.uk", "de", "fr", "cloud"};
constexpr std::array<std::string_view, 24> kMicrosoftHosts = {"login.microsoftonline.com",
                                                              "graph.microsoft.com",
                                                              "settings-win.data.microsoft.com",
                                                              "v10.events.data.microsoft.com",
                                                              "v20.events.data.microsoft.com",
                                                              "wdcp.microsoft.com",
                                                              "winatp-gw-weu.microsoft.com",
                                                              "winatp-gw-neu.microsoft.com",
                                                              "outlook.office365.com",
                                                              "outlook.office.com",
                                                              "teams.microsoft.com",
                                                              "presence.teams.microsoft.com",
                                                              "officeclient.microsoft.com",
                                                              "ecs.office.com",
                                                              "fe3cr.delivery.mp.microsoft.com",
                                                              "tsfe.trafficshaping.dsp.mp.microsoft.com",
                                                              "oneclient.sfx.ms",
                                                              "contoso-my.sharepoint.com",
                                                              "contoso.sharepoint.com",
                                                              "g.live.com",
                                                              "storage.live.com",
                                                              "edge.microsoft.com",
                                                              "config.edge.skype.com",
                                                              "mobile.events.data.microsoft.com"};
constexpr std::array<std::string_view, 8> kHttpHosts = {
    "ctldl.windowsupdate.com", "www.msftconnecttest.com", "ocsp.digicert.com", "x1.c.lencr.org",
    "crl.microsoft.com",       "ocsp.sectigo.com",        "r3.o.lencr.org",    "download.windowsupdate.com"};
constexpr std::array<uint8_t, 48> kPublicFirstOctets = {13,  20,  23,  31,  34,  35,  40,  44,  46,  51,  52,  54,
                                                        62,  66,  69,  72,  78,  80,  81,  82,  85,  87,  88,  91,
                                                        93,  95,  104, 107, 108, 130, 138, 140, 142, 143, 146, 151,
                                                        152, 157, 162, 176, 178, 185, 188, 193, 195, 199, 204, 212};
constexpr std::array<std::string_view, 6> kHttpUserAgents = {
    "Microsoft-CryptoAPI/10.0",
    "Microsoft NCSI",
    "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.71",
    "Microsoft-Delivery-Optimization/10.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 "
    "Safari/537.36 Edg/121.0.0.0"};
constexpr std::array<std::string_view, 5> kTlsIssuers = {
    "CN=Microsoft Azure RSA TLS Issuing CA 03,O=Microsoft Corporation,C=US", "CN=Amazon RSA 2048 M01,O=Amazon,C=US",
    "CN=R3,O=Let's Encrypt,C=US",
    "CN=Sectigo RSA Domain Validation Secure Server CA,O=Sectigo Limited,L=Salford,ST=Greater Manchester,C=GB",
    "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1,O=DigiCert Inc,C=US"};

} // namespace

std::span<const Program> BackgroundPrograms() {
    return kBackgroundPrograms;
}
std::span<const Program> BeaconPrograms() {
    return kBeaconPrograms;
}
std::span<const std::string_view> UserGivenNames() {
    return kGivenNames;
}
std::span<const std::string_view> UserFamilyNames() {
    return kFamilyNames;
}
std::span<const std::string_view> DepartmentNames() {
    return kDepartments;
}
std::span<const std::string_view> HostWords() {
    return kHostWords;
}
std::span<const std::string_view> HostPrefixes() {
    return kHostPrefixes;
}
std::span<const std::string_view> TopLevelDomains() {
    return kTopLevelDomains;
}
std::span<const std::string_view> MicrosoftHosts() {
    return kMicrosoftHosts;
}
std::span<const std::string_view> HttpHosts() {
    return kHttpHosts;
}
std::span<const uint8_t> PublicFirstOctets() {
    return kPublicFirstOctets;
}
std::span<const std::string_view> HttpUserAgents() {
    return kHttpUserAgents;
}
std::span<const std::string_view> TlsIssuers() {
    return kTlsIssuers;
}

} // namespace unmask::bench
