// Column types of Defender's DeviceNetworkEvents table and its Sentinel form.
#pragma once

#include <optional>
#include <string_view>

#include "table/column.h"

namespace unmask::ingest {

/// Known columns in Defender's documented order: the Advanced Hunting columns, then the
/// Log Analytics / Sentinel additions (TenantId, TimeGenerated, SourceSystem, Type,
/// MachineGroup), then unmask's nullable extension columns SentBytes and ReceivedBytes.
const Schema& DeviceNetworkEventsSchema();

/// Returns the type of a known column, or of a type-suffixed union column such as
/// `ReportId_long` / `ReportId_string`; nullopt for unknown names.
std::optional<Type> KnownColumnType(std::string_view name);

/// True for the extension columns that Defender does not have (SentBytes, ReceivedBytes).
bool IsExtensionColumn(std::string_view name);

}  // namespace unmask::ingest
