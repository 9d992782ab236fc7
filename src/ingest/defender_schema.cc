#include "ingest/defender_schema.h"

#include <array>
#include <utility>

namespace unmask::ingest {

namespace {

// Columns of Advanced Hunting's DeviceNetworkEvents table in Microsoft's documented order, with
// their Advanced Hunting types. AdditionalFields stays a string as in Advanced Hunting (Sentinel
// types it dynamic), and queries parse it on member access.
constexpr std::array<std::pair<std::string_view, Type>, 53> kKnownColumns = {{
    {"Timestamp", Type::kDateTime},
    {"DeviceId", Type::kString},
    {"DeviceName", Type::kString},
    {"ActionType", Type::kString},
    {"RemoteIP", Type::kString},
    {"RemotePort", Type::kInt},
    {"RemoteUrl", Type::kString},
    {"LocalIP", Type::kString},
    {"LocalPort", Type::kInt},
    {"Protocol", Type::kString},
    {"LocalIPType", Type::kString},
    {"RemoteIPType", Type::kString},
    {"InitiatingProcessSHA1", Type::kString},
    {"InitiatingProcessSHA256", Type::kString},
    {"InitiatingProcessMD5", Type::kString},
    {"InitiatingProcessFileName", Type::kString},
    {"InitiatingProcessFileSize", Type::kLong},
    {"InitiatingProcessVersionInfoCompanyName", Type::kString},
    {"InitiatingProcessVersionInfoProductName", Type::kString},
    {"InitiatingProcessVersionInfoProductVersion", Type::kString},
    {"InitiatingProcessVersionInfoInternalFileName", Type::kString},
    {"InitiatingProcessVersionInfoOriginalFileName", Type::kString},
    {"InitiatingProcessVersionInfoFileDescription", Type::kString},
    {"InitiatingProcessId", Type::kLong},
    {"InitiatingProcessCommandLine", Type::kString},
    {"InitiatingProcessCreationTime", Type::kDateTime},
    {"InitiatingProcessFolderPath", Type::kString},
    {"InitiatingProcessParentFileName", Type::kString},
    {"InitiatingProcessParentId", Type::kLong},
    {"InitiatingProcessParentCreationTime", Type::kDateTime},
    {"InitiatingProcessAccountDomain", Type::kString},
    {"InitiatingProcessAccountName", Type::kString},
    {"InitiatingProcessAccountSid", Type::kString},
    {"InitiatingProcessAccountUpn", Type::kString},
    {"InitiatingProcessAccountObjectId", Type::kString},
    {"InitiatingProcessIntegrityLevel", Type::kString},
    {"InitiatingProcessTokenElevation", Type::kString},
    {"ReportId", Type::kLong},
    {"AppGuardContainerId", Type::kString},
    {"AdditionalFields", Type::kString},
    {"InitiatingProcessSessionId", Type::kLong},
    {"IsInitiatingProcessRemoteSession", Type::kBool},
    {"InitiatingProcessRemoteSessionDeviceName", Type::kString},
    {"InitiatingProcessRemoteSessionIP", Type::kString},
    {"InitiatingProcessUniqueId", Type::kString},
    {"LogonID", Type::kLong},
    // Log Analytics / Sentinel additions.
    {"TenantId", Type::kString},
    {"TimeGenerated", Type::kDateTime},
    {"SourceSystem", Type::kString},
    {"Type", Type::kString},
    {"MachineGroup", Type::kString},
    // unmask extension columns, null unless an input has them.
    {"SentBytes", Type::kLong},
    {"ReceivedBytes", Type::kLong},
}};

// Suffixes that Kusto's union appends when one column name has different types in its legs.
constexpr std::array<std::pair<std::string_view, Type>, 8> kTypeSuffixes = {{
    {"_string", Type::kString},
    {"_long", Type::kLong},
    {"_int", Type::kInt},
    {"_real", Type::kReal},
    {"_bool", Type::kBool},
    {"_datetime", Type::kDateTime},
    {"_timespan", Type::kTimeSpan},
    {"_dynamic", Type::kDynamic},
}};

}  // namespace

const Schema& DeviceNetworkEventsSchema() {
    static const Schema kSchema = [] {
        Schema schema;
        schema.reserve(kKnownColumns.size());
        for (const auto& [name, type] : kKnownColumns) {
            schema.push_back(Field{std::string(name), type});
        }
        return schema;
    }();
    return kSchema;
}

std::optional<Type> KnownColumnType(std::string_view name) {
    for (const auto& [known, type] : kKnownColumns) {
        if (known == name) {
            return type;
        }
    }
    for (const auto& [suffix, type] : kTypeSuffixes) {
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            return type;
        }
    }
    return std::nullopt;
}

bool IsExtensionColumn(std::string_view name) {
    return name == "SentBytes" || name == "ReceivedBytes";
}

}  // namespace unmask::ingest
