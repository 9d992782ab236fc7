// Reading YAML nodes for the rule loader: typed field access that collects every validation
// error of a file as "path:line: field 'name': ..." instead of stopping at the first one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/status.h"

namespace unmask::detect::internal {

/// Validation errors of one file, each with its 1-based line.
class YamlErrors {
public:
    explicit YamlErrors(std::string path) : path_(std::move(path)) {}

    /// Records "path:line: message".
    void Add(int line, const std::string& message);
    /// Records "path:line: field 'field': message".
    void AddField(int line, std::string_view field, const std::string& message);

    bool empty() const { return messages_.empty(); }
    size_t count() const { return messages_.size(); }
    const std::string& path() const { return path_; }
    /// Returns kInvalidInput with one error per line, sorted by line number.
    Status ToStatus() const;

private:
    std::string path_;
    std::vector<std::pair<int, std::string>> messages_; ///< line, message
};

/// A value in the document with the dotted name used in messages ("tests[1].expect").
struct YamlField {
    std::string name;
    YAML::Node value;
    /// 1-based line of the value, or of its key when the value is empty (yaml-cpp places an
    /// empty value's mark on the following line).
    int line = 0;
};

/// Returns "a mapping", "a list", "nothing" or the scalar quoted, for "found ..." in messages.
std::string DescribeNode(const YAML::Node& node);

/// 1-based line of a node's mark.
int NodeLine(const YAML::Node& node);

/// The keys of one mapping. Reading reports keys that are not strings, keys given twice and
/// keys outside the allowed set, with the nearest allowed key as a hint.
class YamlMapping {
public:
    /// Reads `field.value`, which must be a mapping; otherwise reports it and leaves the mapping
    /// empty and not valid(). A field with an empty name is the document itself.
    YamlMapping(const YamlField& field, const std::vector<std::string>& allowed_keys, YamlErrors& errors);

    /// Returns the field of `key`, or nullopt when absent.
    std::optional<YamlField> Find(std::string_view key) const;
    /// As Find, but reports a missing key.
    std::optional<YamlField> Require(std::string_view key) const;
    /// Keys in document order (each once).
    const std::vector<YamlField>& fields() const { return fields_; }
    bool valid() const { return valid_; }

private:
    std::string name_;
    int line_ = 0;
    bool valid_ = false;
    YamlErrors* errors_;
    std::vector<YamlField> fields_; ///< name is the key's dotted name; value is the key's value
};

/// Reads a scalar as text and reports lists, mappings and empty values. Trailing whitespace and
/// line breaks are removed. With `single_line`, line breaks inside the text are errors too.
std::optional<std::string> ReadText(const YamlField& field, YamlErrors& errors, bool single_line = true);

/// Reads a list's items, named "field[i]". Reports a value that is not a list, and an empty
/// list when `non_empty` is set.
std::optional<std::vector<YamlField>> ReadList(const YamlField& field, YamlErrors& errors, bool non_empty);

/// Reads a list of texts, each on one line when `single_line` is set. Reports duplicates when
/// `unique` is set.
std::optional<std::vector<std::string>> ReadTextList(const YamlField& field, YamlErrors& errors, bool non_empty,
                                                     bool unique, bool single_line = true);

/// Reads an unquoted true or false.
std::optional<bool> ReadBool(const YamlField& field, YamlErrors& errors);

/// Reads a non-negative integer that fits an int.
std::optional<int> ReadCount(const YamlField& field, YamlErrors& errors);

/// Maximum nesting of lists and mappings in a value of an example row.
inline constexpr int kMaxRowValueDepth = 64;

/// Converts a value of an example row to JSON. A quoted scalar becomes a JSON string. An
/// unquoted scalar becomes a number, true, false or null when it reads as one, else a string.
/// Lists and mappings become arrays and objects. Returns nullopt when the value nests deeper
/// than kMaxRowValueDepth.
std::optional<std::string> YamlToJson(const YAML::Node& node);

} // namespace unmask::detect::internal
