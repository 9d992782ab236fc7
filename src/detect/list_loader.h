// Fingerprint and certificate lists that the site configuration loads from files (its `lists:`
// section) and hands to rules as parameters: abuse.ch SSLBL CSV exports (JA3 and certificate
// SHA-1), FoxIO's JA4+ mapping CSV, and plain one-value-per-line files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace YAML {
class Node;
}

namespace unmask::detect {

enum class ListFormat {
    kAbusechJa3Csv,  ///< ja3_md5,Firstseen,Lastseen,Listingreason; '#' comment lines
    kAbusechSha1Csv, ///< Listingdate,SHA1,Listingreason; '#' comment lines
    kFoxioJa4Csv,    ///< header row naming Application, Library, Device, OS, ja4, ja4s, ja4h, ja4x, ...
    kLines,          ///< one value per line, optionally followed by a label after a comma or blank
};

/// Bounds on one list file, so a wrong path (a capture, a log) fails fast instead of filling memory.
struct ListLimits {
    uintmax_t max_file_bytes = 64 * 1024 * 1024;
    size_t max_entries = 1'000'000;
    size_t max_line_bytes = 64 * 1024;
};

/// One loaded list: each value (lower case) with the labels that the file gives it, joined by
/// " | " when the value appears on several lines with different labels.
struct SiteList {
    std::string name; ///< the rule parameter that receives the list
    std::string file; ///< path as resolved against the configuration file's folder
    ListFormat format = ListFormat::kLines;
    std::map<std::string, std::string> entries;
    std::string source; ///< "config:line" of the list's entry, for messages
};

/// Returns the format for its configuration name (abusech-ja3-csv, abusech-sha1-csv,
/// foxio-ja4-csv, lines), or an error listing the names.
Result<ListFormat> ParseListFormat(std::string_view name);
const char* ListFormatName(ListFormat format);

/// Reads a list file. Comment lines (starting with '#') and blank lines are skipped. Every other
/// line must hold a valid value for the format; an invalid one fails the load with "file:line: ".
/// FoxIO rows without any of the ja4, ja4s, ja4h and ja4x columns are skipped (they hold TCP
/// fingerprints only), and their label is Application, else Library, else Device, else OS, with
/// the library in brackets when both are given.
Result<std::map<std::string, std::string>> LoadListFile(const std::string& path, ListFormat format,
                                                        const ListLimits& limits = {});

/// Formats a list as the KQL literal of a dynamic property bag: dynamic({"value": "label", ...}).
std::string ListLiteral(const SiteList& list);

/// Reads the `lists:` mapping of a site configuration (name -> {file, format}) and loads every
/// file. Relative paths are read from the folder of `config_path`. Errors start with
/// "config:line:column: lists.NAME..." or, for a bad line of a list file, "file:line: ".
Result<std::vector<SiteList>> ReadSiteLists(const YAML::Node& node, const std::string& config_path);

} // namespace unmask::detect
