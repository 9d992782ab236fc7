#include "synthetic_export.h"

#include <algorithm>
#include <array>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "event_rows.h"
#include "program_catalog.h"
#include "random.h"
#include "zeek_fields.h"

namespace unmask::bench {
namespace {

constexpr std::string_view kDomainSuffix = ".corp.contoso.com";
constexpr std::string_view kUpnSuffix = "@contoso.com";
constexpr uint32_t kBackgroundSource = UINT32_MAX;
// Rows per formatting task: about 12 MB of text, so that a few chunks in flight stay small.
constexpr size_t kChunkRows = 16384;

// Relative event rate per UTC hour (out of 10): a working day in Western Europe.
constexpr std::array<uint32_t, 24> kHourlyRate = {3, 2,  2,  2,  2, 3, 5, 8, 10, 10, 10, 10,
                                                  9, 10, 10, 10, 9, 8, 6, 5, 4,  4,  3,  3};

// Candidate beacon sleeps in seconds and jitter percentages (Cobalt Strike-style: each sleep is
// shortened by up to that share).
constexpr std::array<int64_t, 7> kBeaconPeriods = {60, 120, 300, 600, 900, 1800, 3600};
constexpr std::array<int, 4> kBeaconJitters = {0, 10, 20, 37};

struct Destination {
    std::string ip;
    std::string mapped_ip; ///< "::ffff:a.b.c.d" for IPv4, empty for IPv6
    std::string host;
    bool ipv6 = false;
};

struct ProcessInstance {
    ProcessColumns columns;
    Traffic traffic = Traffic::kBrowser;
};

struct User {
    std::string account_name;
    std::string upn;
    std::string sid;
    std::string object_id;
    int64_t logon_id = 0;
};

struct Device {
    std::string columns; // "DeviceId,DeviceName"
    std::string name;
    std::string ipv4;
    std::string mapped_ipv4;
    std::string ipv6;
    bool macos = false;
    bool server = false;
    std::vector<ProcessInstance> processes;
    std::vector<uint64_t> cumulative_weights;
    int64_t first_report_id = 0; // ReportId of the device's rows: this plus the row's schedule sequence
};

struct Beacon {
    size_t device = 0;
    ProcessColumns process;
    Destination destination;
    int32_t port = 443;
    int64_t sent_bytes = 0;
    int64_t received_bytes = 0;
    PlantedBeacon summary;
};

struct ScheduledEvent {
    int64_t ticks;
    uint32_t source;   // kBackgroundSource or a beacon index
    uint32_t sequence; // creation order, the last sort key so that ties sort the same everywhere
};

uint64_t HashText(std::string_view text) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string HexDigits(Random& random, size_t count) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string text(count, '0');
    for (char& c : text) {
        c = kHex[random.Below(16)];
    }
    return text;
}

std::string Guid(Random& random) {
    const std::string hex = HexDigits(random, 32);
    return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4), hex.substr(16, 4),
                       hex.substr(20));
}

std::string ReplaceAll(std::string_view text, std::string_view from, std::string_view to) {
    std::string result;
    size_t position = 0;
    while (true) {
        const size_t found = text.find(from, position);
        if (found == std::string_view::npos) {
            result.append(text.substr(position));
            return result;
        }
        result.append(text.substr(position, found - position));
        result.append(to);
        position = found + from.size();
    }
}

template <typename T>
const T& Pick(Random& random, std::span<const T> items) {
    return items[random.Below(items.size())];
}

// Index into a list ordered by popularity: small indexes are drawn far more often.
size_t PickPopular(Random& random, size_t size) {
    const double u = random.Unit();
    return static_cast<size_t>(static_cast<double>(size) * u * u * u);
}

std::string PublicIpv4(Random& random) {
    return fmt::format("{}.{}.{}.{}", Pick(random, PublicFirstOctets()), random.Below(256), random.Below(256),
                       random.Between(1, 254));
}

class SyntheticExport {
public:
    explicit SyntheticExport(const GeneratorOptions& options) : options_(options), world_random_(options.seed) {}

    std::vector<PlantedBeacon> Write(CsvOutput& output) {
        BuildDomain();
        BuildDestinations();
        BuildDevices();
        BuildBeacons();
        const std::vector<ScheduledEvent> events = ScheduleEvents();

        WriteHeader(options_.byte_columns, output);
        WriteRows(events, output);
        std::vector<PlantedBeacon> planted;
        for (const Beacon& beacon : beacons_) {
            planted.push_back(beacon.summary);
        }
        return planted;
    }

private:
    int64_t SpanStart() const { return options_.end - options_.span; }

    void BuildDomain() {
        domain_sid_ = fmt::format("S-1-5-21-{}-{}-{}", world_random_.Between(1'000'000'000, 4'000'000'000),
                                  world_random_.Between(1'000'000'000, 4'000'000'000),
                                  world_random_.Between(100'000'000, 999'999'999));
    }

    Destination MakeDestination(std::string host, bool microsoft) {
        Destination destination;
        destination.host = std::move(host);
        destination.ipv6 = world_random_.Chance(0.15);
        if (destination.ipv6) {
            if (microsoft) {
                destination.ip = fmt::format("2603:10{:02x}:{:x}::{:x}", world_random_.Below(64),
                                             world_random_.Between(1, 0xffff), world_random_.Between(1, 0xfff));
            } else {
                static constexpr std::array<std::string_view, 3> kPrefixes = {"2606:4700", "2a00:1450:4001",
                                                                              "2600:9000:2153"};
                destination.ip = fmt::format("{}:{:x}::{:x}", kPrefixes[world_random_.Below(kPrefixes.size())],
                                             world_random_.Between(1, 0xfff), world_random_.Between(1, 0xffff));
            }
        } else if (microsoft) {
            static constexpr std::array<int, 5> kMicrosoftOctets = {13, 20, 40, 52, 104};
            destination.ip =
                fmt::format("{}.{}.{}.{}", kMicrosoftOctets[world_random_.Below(5)], world_random_.Below(256),
                            world_random_.Below(256), world_random_.Between(1, 254));
        } else {
            destination.ip = PublicIpv4(world_random_);
        }
        if (!destination.ipv6) {
            destination.mapped_ip = "::ffff:" + destination.ip;
        }
        return destination;
    }

    void BuildDestinations() {
        for (int i = 0; i < 3000; ++i) {
            std::string host =
                fmt::format("{}.{}{}.{}", Pick(world_random_, HostPrefixes()), Pick(world_random_, HostWords()),
                            Pick(world_random_, HostWords()), Pick(world_random_, TopLevelDomains()));
            web_.push_back(MakeDestination(std::move(host), false));
        }
        for (int i = 0; i < 400; ++i) {
            microsoft_.push_back(MakeDestination(std::string(MicrosoftHosts()[i % MicrosoftHosts().size()]), true));
        }
    }

    User MakeUser() {
        User user;
        const std::string_view given = Pick(world_random_, UserGivenNames());
        const std::string_view family = Pick(world_random_, UserFamilyNames());
        user.account_name = fmt::format("{}{}", given.substr(0, 1), family);
        user.upn = fmt::format("{}.{}{}", given, family, kUpnSuffix);
        user.sid = fmt::format("{}-{}", domain_sid_, world_random_.Between(1100, 60000));
        user.object_id = Guid(world_random_);
        user.logon_id = world_random_.Between(100'000, 99'999'999);
        return user;
    }

    std::string MakeDeviceName(size_t index, bool macos, bool server, const User& user) {
        static constexpr std::array<std::string_view, 5> kServerRoles = {"file", "app", "sql", "web", "print"};
        if (server) {
            return fmt::format("srv-{}-{:02}{}", kServerRoles[world_random_.Below(kServerRoles.size())], index + 1,
                               kDomainSuffix);
        }
        if (macos) {
            return fmt::format("mbp-{}-{}{}", user.account_name, index + 1, kDomainSuffix);
        }
        if (world_random_.Chance(0.6)) {
            return fmt::format("wks-{}-{:03}{}", Pick(world_random_, DepartmentNames()), index + 1, kDomainSuffix);
        }
        static constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz0123456789";
        std::string suffix;
        for (int i = 0; i < 7; ++i) {
            suffix += kLetters[world_random_.Below(kLetters.size())];
        }
        return fmt::format("laptop-{}{}", suffix, kDomainSuffix);
    }

    // Renders one process instance of `program` on a device whose clock started at `boot`.
    ProcessColumns MakeProcess(const Program& program, const Device& device, const User& user, int64_t boot,
                               int64_t latest_start, bool remote_session) {
        ProcessSpec spec;
        const std::string instance_number = fmt::format("{}", world_random_.Between(1000, 99999));
        spec.file_name = std::string(program.file_name);
        spec.folder_path =
            ReplaceAll(ReplaceAll(program.folder_path, "{user}", user.account_name), "{n}", instance_number);
        spec.command_line =
            ReplaceAll(ReplaceAll(program.command_line, "{user}", user.account_name), "{n}", instance_number);

        // Hashes depend on the binary only, so every device reports the same values for it.
        Random binary_random(HashText(program.file_name) ^ HashText(program.product_version) ^
                             HashText(program.folder_path));
        spec.sha1 = HexDigits(binary_random, 40);
        // Microsoft documents InitiatingProcessSHA256 as usually not populated.
        const bool has_sha256 = binary_random.Chance(0.1);
        const std::string sha256 = HexDigits(binary_random, 64);
        if (has_sha256) {
            spec.sha256 = sha256;
        }
        spec.md5 = HexDigits(binary_random, 32);
        spec.file_size = program.file_size;
        spec.company_name = std::string(program.company_name);
        spec.product_name = std::string(program.product_name);
        spec.product_version = std::string(program.product_version);
        spec.internal_file_name = std::string(program.internal_file_name);
        spec.original_file_name = std::string(program.original_file_name);
        spec.file_description = std::string(program.file_description);

        const bool kernel = program.traffic == Traffic::kKernel;
        spec.process_id =
            kernel ? 4 : (device.macos ? world_random_.Between(300, 99999) : world_random_.Between(125, 10000) * 4);
        const bool service = program.account != Account::kUser;
        spec.creation_time = kernel ? boot
                                    : (service ? boot + world_random_.Between(5, 90) * kTicksPerSecond +
                                                     world_random_.Below(kTicksPerSecond)
                                               : world_random_.Between(boot + 2 * kTicksPerMinute, latest_start));
        spec.parent_file_name = std::string(program.parent_file_name);
        if (kernel) {
            spec.parent_id = 0;
        } else if (device.macos) {
            spec.parent_id = spec.process_id;
            spec.parent_creation_time = spec.creation_time - world_random_.Between(1, 200) * kTicksPerMillisecond;
        } else {
            spec.parent_id = world_random_.Between(125, 10000) * 4;
            spec.parent_creation_time = spec.creation_time - world_random_.Between(1, 30'000) * kTicksPerMillisecond -
                                        world_random_.Below(kTicksPerMillisecond);
        }

        switch (program.account) {
        case Account::kSystem:
            spec.account_domain = device.macos ? device.name.substr(0, device.name.find('.')) : "nt authority";
            spec.account_name = device.macos ? "root" : "system";
            spec.account_sid = device.macos ? "" : "S-1-5-18";
            spec.logon_id = device.macos ? -1 : 999;
            break;
        case Account::kLocalService:
            spec.account_domain = "nt authority";
            spec.account_name = "local service";
            spec.account_sid = "S-1-5-19";
            spec.logon_id = 997;
            break;
        case Account::kNetworkService:
            spec.account_domain = "nt authority";
            spec.account_name = "network service";
            spec.account_sid = "S-1-5-20";
            spec.logon_id = 996;
            break;
        case Account::kUser:
            spec.account_domain = device.macos ? device.name.substr(0, device.name.find('.')) : "contoso";
            spec.account_name = user.account_name;
            spec.account_sid = user.sid;
            spec.account_upn = user.upn;
            spec.account_object_id = device.macos ? "" : user.object_id;
            spec.logon_id = device.macos ? -1 : user.logon_id;
            break;
        }
        spec.integrity_level = std::string(program.integrity_level);
        spec.token_elevation = std::string(program.token_elevation);
        spec.session_id = service ? 0 : (remote_session ? 2 : 1);
        spec.is_remote_session = !service && remote_session;
        if (!service && remote_session) {
            spec.remote_session_device_name = "JUMPHOST01";
            spec.remote_session_ip = "10.1.5.20";
        }
        spec.unique_id = fmt::format("{}", world_random_.Between(1'000'000'000'000'000, 9'000'000'000'000'000));
        if (program.traffic == Traffic::kMacClient) {
            spec.request_additional_fields = fmt::format(
                "{{\"InitiatingProcessPosixEffectiveUser\":{{\"Sid\":\"{}\",\"Name\":\"{}\",\"DomainName\":\"{}\","
                "\"LogonId\":0,\"AadUserUpn\":\"{}\",\"PosixUserId\":501,\"PrimaryPosixGroup\":{{\"Name\":\"staff\","
                "\"PosixGroupId\":20}}}},\"InitiatingProcessPosixProcessGroupId\":{},"
                "\"InitiatingProcessPosixSessionId\":1,\"InitiatingProcessCurrentWorkingDirectory\":\"/\","
                "\"InitiatingProcessPosixFilePermissions\":[\"None\"]}}",
                spec.account_sid, spec.account_name, spec.account_domain, spec.account_upn, spec.process_id);
        }
        return RenderProcess(spec);
    }

    void BuildDevices() {
        if (options_.devices == 0) {
            throw std::invalid_argument("invalid value for --devices: 0 (expected at least 1)");
        }
        std::set<std::string> names;
        for (size_t index = 0; index < options_.devices; ++index) {
            Device device;
            // The first device is always a Windows workstation, so that beacons have a host.
            device.macos = index > 0 && world_random_.Chance(0.04);
            device.server = index > 0 && !device.macos && world_random_.Chance(0.06);
            const User user = MakeUser();
            device.name = MakeDeviceName(index, device.macos, device.server, user);
            while (!names.insert(device.name).second) {
                device.name = MakeDeviceName(index, device.macos, device.server, user);
            }
            device.columns = HexDigits(world_random_, 40) + "," + device.name;
            const uint64_t site = world_random_.Between(20, 60);
            device.ipv4 = device.server ? fmt::format("10.1.2.{}", 20 + index % 200)
                                        : fmt::format("10.{}.{}.{}", site, world_random_.Below(256),
                                                      world_random_.Between(2, 254));
            device.mapped_ipv4 = "::ffff:" + device.ipv4;
            device.ipv6 = fmt::format("2a01:111:f10{:x}:{:x}:{:x}:{:x}:{:x}:{:x}", world_random_.Below(16),
                                      world_random_.Between(1, 0xffff), world_random_.Between(1, 0xffff),
                                      world_random_.Between(1, 0xffff), world_random_.Between(1, 0xffff),
                                      world_random_.Between(1, 0xffff));
            device.first_report_id = world_random_.Between(1000, 200'000);
            if (device.server) {
                file_servers_.push_back(device.ipv4);
            }

            const int64_t boot =
                SpanStart() - world_random_.Between(1, 12 * 24) * kTicksPerHour - world_random_.Below(kTicksPerHour);
            const bool remote_session = !device.macos && world_random_.Chance(0.05);
            uint64_t total_weight = 0;
            for (const Program& program : BackgroundPrograms()) {
                if (program.macos != device.macos) {
                    continue;
                }
                if (device.server && program.account == Account::kUser) {
                    continue;
                }
                if (world_random_.Below(100) >= program.presence_percent) {
                    continue;
                }
                ProcessInstance instance;
                instance.columns = MakeProcess(program, device, user, boot, SpanStart(), remote_session);
                instance.traffic = program.traffic;
                device.processes.push_back(std::move(instance));
                total_weight += program.weight * (device.server && program.traffic == Traffic::kKernel ? 8 : 1);
                device.cumulative_weights.push_back(total_weight);
            }
            devices_.push_back(std::move(device));
            users_.push_back(user);
            // Busier devices produce more rows.
            device_weight_total_ += world_random_.Between(1, 4);
            device_cumulative_weights_.push_back(device_weight_total_);
        }
        if (file_servers_.empty()) {
            file_servers_ = {"10.1.2.21", "10.1.2.22"};
        }
    }

    void BuildBeacons() {
        if (options_.beacons == 0) {
            return;
        }
        const uint64_t budget = options_.rows / 4 / options_.beacons;
        if (budget < 8) {
            throw std::invalid_argument(fmt::format(
                "--rows {} is too small for {} beacons: each beacon needs at least 8 rows and beacons may use at "
                "most a quarter of the rows, so use --rows {} or more",
                options_.rows, options_.beacons, 32 * static_cast<uint64_t>(options_.beacons)));
        }
        std::vector<size_t> windows_devices;
        for (size_t i = 0; i < devices_.size(); ++i) {
            if (!devices_[i].macos) {
                windows_devices.push_back(i);
            }
        }
        for (uint32_t index = 0; index < options_.beacons; ++index) {
            Beacon beacon;
            beacon.device = windows_devices[world_random_.Below(windows_devices.size())];
            const Device& device = devices_[beacon.device];
            const Program& program = BeaconPrograms()[index % BeaconPrograms().size()];
            const int64_t start =
                SpanStart() + static_cast<int64_t>(world_random_.Below(static_cast<uint64_t>(options_.span / 3)));
            beacon.process = MakeProcess(program, device, users_[beacon.device], start - kTicksPerHour,
                                         start - kTicksPerSecond, false);

            std::string host;
            if (world_random_.Chance(0.5)) {
                host = fmt::format("{}-{}.{}", Pick(world_random_, HostWords()), Pick(world_random_, HostWords()),
                                   Pick(world_random_, TopLevelDomains()));
            }
            static constexpr std::array<int, 5> kHostingOctets = {45, 91, 185, 193, 194};
            beacon.destination.host = host;
            beacon.destination.ip =
                fmt::format("{}.{}.{}.{}", kHostingOctets[world_random_.Below(5)], world_random_.Below(256),
                            world_random_.Below(256), world_random_.Between(1, 254));
            beacon.port = world_random_.Chance(0.3) ? 8443 : 443;
            beacon.sent_bytes = world_random_.Between(300, 4000);
            beacon.received_bytes = world_random_.Between(200, 1500);

            // Longer sleeps when the row budget cannot hold the chosen one for the whole span.
            const int64_t active_seconds = (options_.end - start) / kTicksPerSecond;
            int64_t period = kBeaconPeriods[world_random_.Below(kBeaconPeriods.size())];
            const int64_t shortest = (active_seconds + static_cast<int64_t>(budget) - 1) / static_cast<int64_t>(budget);
            period = std::max(period, shortest);

            PlantedBeacon& summary = beacon.summary;
            summary.device_name = device.name;
            summary.file_name = beacon.process.file_name;
            summary.command_line = beacon.process.command_line;
            summary.process_id = beacon.process.process_id;
            summary.remote_ip = beacon.destination.ip;
            summary.remote_port = beacon.port;
            summary.period_seconds = period;
            summary.jitter_percent = kBeaconJitters[world_random_.Below(kBeaconJitters.size())];
            summary.first = start;
            beacons_.push_back(std::move(beacon));
        }
    }

    int64_t BackgroundTimestamp(Random& random) const {
        int64_t ticks = 0;
        do {
            ticks = SpanStart() + static_cast<int64_t>(random.Below(static_cast<uint64_t>(options_.span) + 1));
        } while (random.Below(10) >= kHourlyRate[static_cast<size_t>((ticks / kTicksPerHour) % 24)]);
        // Defender timestamps carry 7, 6, 3 or 0 significant fraction digits.
        const uint64_t precision = random.Below(100);
        int64_t unit = 1;
        if (precision >= 95) {
            unit = kTicksPerSecond;
        } else if (precision >= 85) {
            unit = kTicksPerMillisecond;
        } else if (precision >= 60) {
            unit = kTicksPerMicrosecond;
        }
        ticks -= ticks % unit;
        return std::max(ticks, SpanStart());
    }

    std::vector<ScheduledEvent> ScheduleEvents() {
        Random random(options_.seed ^ 0x2545f4914f6cdd1dULL);
        std::vector<ScheduledEvent> events;
        uint32_t sequence = 0;
        for (uint32_t index = 0; index < beacons_.size(); ++index) {
            PlantedBeacon& summary = beacons_[index].summary;
            const int64_t period = summary.period_seconds * kTicksPerSecond;
            int64_t ticks = summary.first;
            while (ticks <= options_.end) {
                events.push_back({ticks, index, sequence++});
                summary.last = ticks;
                ++summary.rows;
                const int64_t shortening = static_cast<int64_t>(
                    random.Below(static_cast<uint64_t>(period / 100 * summary.jitter_percent) + 1));
                ticks += period - shortening + static_cast<int64_t>(random.Below(kTicksPerSecond / 2));
            }
        }
        if (events.size() >= options_.rows) {
            throw std::invalid_argument(fmt::format("--rows {} leaves no room for background rows", options_.rows));
        }
        const uint64_t background = options_.rows - events.size();
        events.reserve(options_.rows);
        // One background row sits exactly at the end, so that the newest Timestamp is --end.
        events.push_back({options_.end, kBackgroundSource, sequence++});
        for (uint64_t i = 1; i < background; ++i) {
            events.push_back({BackgroundTimestamp(random), kBackgroundSource, sequence++});
        }

        switch (options_.order) {
        case RowOrder::kNewestFirst:
            std::sort(events.begin(), events.end(), [](const ScheduledEvent& a, const ScheduledEvent& b) {
                return a.ticks != b.ticks ? a.ticks > b.ticks : a.sequence < b.sequence;
            });
            break;
        case RowOrder::kOldestFirst:
            std::sort(events.begin(), events.end(), [](const ScheduledEvent& a, const ScheduledEvent& b) {
                return a.ticks != b.ticks ? a.ticks < b.ticks : a.sequence < b.sequence;
            });
            break;
        case RowOrder::kRandom:
            for (size_t i = events.size(); i > 1; --i) {
                std::swap(events[i - 1], events[random.Below(i)]);
            }
            break;
        }
        return events;
    }

    // Formats the schedule in chunks on `options_.threads` threads and writes the chunks in order.
    void WriteRows(const std::vector<ScheduledEvent>& events, CsvOutput& output) const {
        const size_t chunk_count = (events.size() + kChunkRows - 1) / kChunkRows;
        const size_t slot_count = std::max<size_t>(1, options_.threads) + 1;
        std::vector<std::unique_ptr<CsvOutput>> slots;
        std::vector<std::future<void>> pending(slot_count);
        for (size_t i = 0; i < slot_count; ++i) {
            slots.push_back(std::make_unique<CsvOutput>(nullptr, true));
        }
        const auto format_chunk = [this, &events](size_t chunk, CsvOutput& chunk_output) {
            RowFormatter formatter(*this, chunk);
            const size_t end = std::min(events.size(), (chunk + 1) * kChunkRows);
            for (size_t i = chunk * kChunkRows; i < end; ++i) {
                formatter.Write(events[i], chunk_output);
            }
        };
        // Chunk c uses slot c % slot_count, so the slot's previous chunk is the oldest in flight
        // and is written out before the slot is reused.
        for (size_t chunk = 0; chunk < chunk_count + slot_count; ++chunk) {
            const size_t slot = chunk % slot_count;
            if (pending[slot].valid()) {
                pending[slot].get();
                output.Append(*slots[slot]);
            }
            if (chunk < chunk_count) {
                CsvOutput& chunk_output = *slots[slot];
                if (options_.threads <= 1) {
                    format_chunk(chunk, chunk_output);
                    output.Append(chunk_output);
                } else {
                    pending[slot] = std::async(std::launch::async, format_chunk, chunk, std::ref(chunk_output));
                }
            }
        }
    }

    // Formats rows of one chunk of the schedule. Chunks draw from their own generator, seeded by
    // the chunk's index, so the output does not depend on how many threads format them.
    class RowFormatter {
    public:
        RowFormatter(const SyntheticExport& world, uint64_t chunk)
            : world_(world), random_(world.options_.seed ^ 0x5851f42d4c957f2dULL ^ (chunk * 0x9e3779b97f4a7c15ULL)) {}

        void Write(const ScheduledEvent& event, CsvOutput& output) {
            if (event.source == kBackgroundSource) {
                WriteBackgroundRow(event, output);
            } else {
                WriteBeaconRow(world_.beacons_[event.source], event, output);
            }
        }

    private:
        // An ephemeral port in the Windows dynamic range.
        int32_t NextLocalPort() { return static_cast<int32_t>(random_.Between(49152, 65535)); }

        // Fills the address columns of an outbound connection to `destination`.
        void SetOutbound(const Device& device, const Destination& destination, EventRow& row) {
            if (destination.ipv6) {
                row.local_ip = device.ipv6;
                row.remote_ip = destination.ip;
                row.local_ip_type = "Public";
                row.remote_ip_type = "Public";
            } else if (random_.Chance(0.04)) {
                row.local_ip = device.mapped_ipv4;
                row.remote_ip = destination.mapped_ip;
                row.local_ip_type = "FourToSixMapping";
                row.remote_ip_type = "FourToSixMapping";
            } else {
                row.local_ip = device.ipv4;
                row.remote_ip = destination.ip;
                row.local_ip_type = "Private";
                row.remote_ip_type = "Public";
            }
        }

        void SetPrivatePeer(const Device& device, std::string_view peer, EventRow& row) {
            row.local_ip = device.ipv4;
            row.remote_ip = peer;
            row.local_ip_type = "Private";
            row.remote_ip_type = "Private";
        }

        void SetTransferSizes(EventRow& row) {
            if (!world_.options_.byte_columns) {
                return;
            }
            if (row.action_type == "ConnectionFailed") {
                row.sent_bytes = 0;
                row.received_bytes = 0;
            } else if (row.action_type != "ListeningConnectionCreated") {
                row.sent_bytes =
                    random_.Chance(0.02) ? random_.LogUniform(50'000, 5'000'000) : random_.LogUniform(120, 50'000);
                row.received_bytes = random_.LogUniform(200, 2'000'000);
            }
        }

        const std::string& PrivatePeerAddress() {
            const Device& peer = world_.devices_[random_.Below(world_.devices_.size())];
            return peer.ipv4;
        }

        void WriteBackgroundRow(const ScheduledEvent& event, CsvOutput& output) {
            const Device& device = world_.devices_[static_cast<size_t>(
                std::upper_bound(world_.device_cumulative_weights_.begin(), world_.device_cumulative_weights_.end(),
                                 random_.Below(world_.device_weight_total_)) -
                world_.device_cumulative_weights_.begin())];
            EventRow row;
            row.timestamp = event.ticks;
            row.device = device.columns;
            row.report_id = device.first_report_id + event.sequence;
            if (random_.Chance(0.16) || device.processes.empty()) {
                WriteSensorRow(device, row, output);
                return;
            }
            const uint64_t pick = random_.Below(device.cumulative_weights.back());
            const ProcessInstance& process = device.processes[static_cast<size_t>(
                std::upper_bound(device.cumulative_weights.begin(), device.cumulative_weights.end(), pick) -
                device.cumulative_weights.begin())];
            row.process = &process.columns;
            FillProcessConnection(device, process, row);
            SetTransferSizes(row);
            WriteEventRow(row, world_.options_.byte_columns, output);
        }

        void FillProcessConnection(const Device& device, const ProcessInstance& process, EventRow& row) {
            const double roll = random_.Unit();
            row.protocol = "Tcp";
            row.action_type = "ConnectionSuccess";
            // A few rows of every program: a listening socket or a loopback connection.
            if (roll < 0.02 && process.traffic != Traffic::kMacClient) {
                row.action_type = "ListeningConnectionCreated";
                row.protocol = "TcpV4";
                row.local_ip = random_.Chance(0.5) ? std::string_view("0.0.0.0") : std::string_view("127.0.0.1");
                row.local_port = static_cast<int32_t>(random_.Between(1024, 65535));
                return;
            }
            if (roll < 0.035) {
                row.local_ip = "127.0.0.1";
                row.remote_ip = "127.0.0.1";
                row.local_ip_type = "Loopback";
                row.remote_ip_type = "Loopback";
                row.local_port = NextLocalPort();
                row.remote_port = static_cast<int32_t>(random_.Between(1024, 65535));
                return;
            }
            const bool failed = random_.Chance(0.06);
            if (failed) {
                row.action_type = "ConnectionFailed";
            }
            row.local_port = NextLocalPort();
            switch (process.traffic) {
            case Traffic::kBrowser:
            case Traffic::kOccasional:
            case Traffic::kMicrosoftCloud:
            case Traffic::kCertificateFetch:
            case Traffic::kTeamsMedia:
            case Traffic::kMacClient:
                FillInternetConnection(device, process, row);
                break;
            case Traffic::kDnsClient:
                SetPrivatePeer(device, random_.Chance(0.7) ? "10.1.0.10" : "10.1.0.11", row);
                row.remote_port = 53;
                row.protocol = "Udp";
                row.action_type = "ConnectionSuccess";
                break;
            case Traffic::kRemoteDesktop:
                row.action_type = "InboundConnectionAccepted";
                SetPrivatePeer(device, random_.Chance(0.8) ? std::string_view("10.1.5.20") : PrivatePeerAddress(), row);
                row.remote_port = NextLocalPort();
                row.local_port = 3389;
                break;
            case Traffic::kKernel:
                if (random_.Chance(0.6)) {
                    row.action_type = "InboundConnectionAccepted";
                    SetPrivatePeer(device, PrivatePeerAddress(), row);
                    row.remote_port = NextLocalPort();
                    row.local_port = random_.Chance(0.9) ? 445 : 139;
                } else {
                    SetPrivatePeer(device, world_.file_servers_[random_.Below(world_.file_servers_.size())], row);
                    row.remote_port = 445;
                }
                break;
            case Traffic::kDirectory: {
                static constexpr std::array<int32_t, 4> kDirectoryPorts = {88, 389, 636, 3268};
                SetPrivatePeer(device, random_.Chance(0.5) ? "10.1.0.10" : "10.1.0.11", row);
                row.remote_port = kDirectoryPorts[random_.Below(kDirectoryPorts.size())];
                break;
            }
            }
        }

        void FillInternetConnection(const Device& device, const ProcessInstance& process, EventRow& row) {
            const bool web = process.traffic == Traffic::kBrowser || process.traffic == Traffic::kMacClient ||
                             (process.traffic == Traffic::kOccasional && random_.Chance(0.5));
            const std::vector<Destination>& pool = web ? world_.web_ : world_.microsoft_;
            const Destination& destination = pool[PickPopular(random_, pool.size())];
            SetOutbound(device, destination, row);

            const uint64_t port_roll = random_.Below(100);
            if (process.traffic == Traffic::kCertificateFetch) {
                row.remote_port = port_roll < 85 ? 80 : 443;
            } else if (process.traffic == Traffic::kTeamsMedia && port_roll < 20) {
                row.remote_port = static_cast<int32_t>(random_.Between(3478, 3481));
                row.protocol = "Udp";
            } else if (port_roll < 88) {
                row.remote_port = 443;
            } else if (port_roll < 97) {
                row.remote_port = 80;
            } else {
                row.remote_port = port_roll < 99 ? 8080 : 8443;
            }

            if (process.traffic == Traffic::kMacClient) {
                row.action_type = row.action_type == "ConnectionFailed" ? "ConnectionFailed" : "ConnectionRequest";
                row.additional_fields = process.columns.request_additional_fields;
                return;
            }
            const bool show_url = web ? random_.Chance(0.6) : random_.Chance(0.4);
            if (show_url) {
                row.remote_url = destination.host;
            }
            // The second ConnectionSuccess shape: a full URL, Protocol TcpV4, no IP types, "{}".
            if (process.traffic == Traffic::kBrowser && row.action_type == "ConnectionSuccess" &&
                random_.Chance(0.06)) {
                url_scratch_ = fmt::format("https://{}", destination.host);
                row.remote_url = url_scratch_;
                row.protocol = "TcpV4";
                row.local_ip_type = "";
                row.remote_ip_type = "";
                row.additional_fields = "{}";
            }
        }

        void WriteSensorRow(const Device& device, EventRow& row, CsvOutput& output) {
            const uint64_t kind = random_.Below(100);
            row.protocol = "Tcp";
            row.local_port = NextLocalPort();
            json_scratch_.clear();
            if (kind < 45) {
                const Destination& destination = world_.web_[PickPopular(random_, world_.web_.size())];
                row.action_type = "SslConnectionInspected";
                row.remote_ip = destination.ip;
                row.local_ip = destination.ipv6 ? device.ipv6 : device.ipv4;
                row.remote_port = 443;
                BuildSslFields(random_, destination.host, row.timestamp, json_scratch_);
            } else if (kind < 80) {
                const Destination& destination = world_.web_[PickPopular(random_, world_.web_.size())];
                row.action_type = "DnsConnectionInspected";
                row.remote_ip = random_.Chance(0.7) ? "10.1.0.10" : "10.1.0.11";
                row.local_ip = device.ipv4;
                row.remote_port = 53;
                BuildDnsFields(random_, destination.host, destination.ip, row.timestamp, json_scratch_);
            } else if (kind < 96) {
                const bool microsoft = random_.Chance(0.6);
                const Destination& destination = microsoft
                                                     ? world_.microsoft_[PickPopular(random_, world_.microsoft_.size())]
                                                     : world_.web_[PickPopular(random_, world_.web_.size())];
                row.action_type = "HttpConnectionInspected";
                row.remote_ip = destination.ip;
                row.local_ip = destination.ipv6 ? device.ipv6 : device.ipv4;
                row.remote_port = 80;
                const std::string_view host =
                    microsoft ? Pick(random_, HttpHosts()) : std::string_view(destination.host);
                BuildHttpFields(random_, host, json_scratch_);
            } else {
                const Destination& destination = world_.microsoft_[PickPopular(random_, world_.microsoft_.size())];
                row.action_type = "IcmpConnectionInspected";
                row.protocol = "Icmp";
                row.remote_ip = destination.ip;
                row.local_ip = destination.ipv6 ? device.ipv6 : device.ipv4;
                row.local_port = -1;
                BuildIcmpFields(random_, json_scratch_);
            }
            field_scratch_ = CsvField(json_scratch_);
            row.additional_fields = field_scratch_;
            WriteEventRow(row, world_.options_.byte_columns, output);
        }

        void WriteBeaconRow(const Beacon& beacon, const ScheduledEvent& event, CsvOutput& output) {
            const Device& device = world_.devices_[beacon.device];
            EventRow row;
            row.timestamp = event.ticks;
            row.device = device.columns;
            row.report_id = device.first_report_id + event.sequence;
            row.process = &beacon.process;
            row.action_type = random_.Chance(0.03) ? "ConnectionFailed" : "ConnectionSuccess";
            row.protocol = "Tcp";
            row.local_ip = device.ipv4;
            row.local_port = NextLocalPort();
            row.local_ip_type = "Private";
            row.remote_ip = beacon.destination.ip;
            row.remote_port = beacon.port;
            row.remote_ip_type = "Public";
            row.remote_url = beacon.destination.host;
            if (world_.options_.byte_columns) {
                const bool failed = row.action_type == "ConnectionFailed";
                row.sent_bytes = failed ? 0 : beacon.sent_bytes + random_.Between(0, 64);
                row.received_bytes = failed ? 0 : beacon.received_bytes + random_.Between(0, 512);
            }
            WriteEventRow(row, world_.options_.byte_columns, output);
        }

        const SyntheticExport& world_;
        Random random_;
        std::string json_scratch_;
        std::string field_scratch_;
        std::string url_scratch_;
    };

    const GeneratorOptions& options_;
    Random world_random_;
    std::string domain_sid_;
    std::vector<Destination> web_;
    std::vector<Destination> microsoft_;
    std::vector<std::string> file_servers_;
    std::vector<Device> devices_;
    std::vector<User> users_;
    std::vector<uint64_t> device_cumulative_weights_;
    uint64_t device_weight_total_ = 0;
    std::vector<Beacon> beacons_;
};

} // namespace

std::vector<PlantedBeacon> WriteSyntheticExport(const GeneratorOptions& options, CsvOutput& output) {
    if (options.span < 24 * kTicksPerHour) {
        throw std::invalid_argument(fmt::format("the span of {} hours is too short: use --span-hours 24 or more",
                                                options.span / kTicksPerHour));
    }
    SyntheticExport generator(options);
    return generator.Write(output);
}

} // namespace unmask::bench
