#include "detect/rule_yaml.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "common/source_text.h"
#include "table/dynamic.h"

namespace unmask::detect::internal {

void YamlErrors::Add(int line, const std::string& message) {
    messages_.emplace_back(line, path_ + ":" + std::to_string(line) + ": " + message);
}

void YamlErrors::AddField(int line, std::string_view field, const std::string& message) {
    Add(line, "field '" + std::string(field) + "': " + message);
}

Status YamlErrors::ToStatus() const {
    std::vector<std::pair<int, std::string>> sorted = messages_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& left, const auto& right) { return left.first < right.first; });
    std::string joined;
    for (const auto& [line, message] : sorted) {
        joined += joined.empty() ? "" : "\n";
        joined += message;
    }
    return Status(ErrorKind::kInvalidInput, joined);
}

std::string DescribeNode(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return "a mapping";
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Scalar: {
        std::string text = node.Scalar();
        constexpr size_t kMaxShown = 60;
        if (text.size() > kMaxShown) {
            text = text.substr(0, kMaxShown) + "...";
        }
        std::replace(text.begin(), text.end(), '\n', ' ');
        return "'" + text + "'";
    }
    default:
        return "nothing";
    }
}

int NodeLine(const YAML::Node& node) {
    return node.Mark().line + 1;
}

YamlMapping::YamlMapping(const YamlField& field, const std::vector<std::string>& allowed_keys, YamlErrors& errors)
    : name_(field.name), line_(field.line), errors_(&errors) {
    if (!field.value.IsMap() && field.name.empty()) {
        errors.Add(field.line,
                   "expected a mapping of rule fields (id: ..., title: ...), found " + DescribeNode(field.value));
        return;
    }
    if (!field.value.IsMap()) {
        errors.AddField(field.line, field.name,
                        "expected a mapping of keys to values, found " + DescribeNode(field.value));
        return;
    }
    valid_ = true;
    for (const auto& entry : field.value) {
        // Copies, because the entry's nodes do not outlive it.
        const YAML::Node key = entry.first;
        const YAML::Node value = entry.second;
        const int key_line = NodeLine(key);
        if (!key.IsScalar()) {
            errors.Add(key_line, "expected a text key in '" + name_ + "', found " + DescribeNode(key));
            continue;
        }
        const std::string key_name = name_.empty() ? key.Scalar() : name_ + "." + key.Scalar();
        const auto previous = std::find_if(fields_.begin(), fields_.end(),
                                           [&](const YamlField& known) { return known.name == key_name; });
        if (previous != fields_.end()) {
            errors.AddField(key_line, key_name, "given twice; the first is on line " + std::to_string(previous->line));
            continue;
        }
        if (!allowed_keys.empty() &&
            std::find(allowed_keys.begin(), allowed_keys.end(), key.Scalar()) == allowed_keys.end()) {
            std::string message = "unknown field '" + key_name + "'";
            const std::vector<std::string> nearest = NearestNames(key.Scalar(), allowed_keys, 1);
            if (!nearest.empty()) {
                message += "; did you mean '" + nearest.front() + "'?";
            } else {
                message += "; expected one of";
                for (size_t i = 0; i < allowed_keys.size(); ++i) {
                    message += (i == 0 ? " " : ", ") + allowed_keys[i];
                }
            }
            errors.Add(key_line, message);
            continue;
        }
        fields_.push_back(YamlField{key_name, value, value.IsNull() ? key_line : NodeLine(value)});
    }
}

std::optional<YamlField> YamlMapping::Find(std::string_view key) const {
    const std::string key_name = name_.empty() ? std::string(key) : name_ + "." + std::string(key);
    for (const YamlField& field : fields_) {
        if (field.name == key_name) {
            return field;
        }
    }
    return std::nullopt;
}

std::optional<YamlField> YamlMapping::Require(std::string_view key) const {
    std::optional<YamlField> field = Find(key);
    if (!field && valid_) {
        const std::string key_name = name_.empty() ? std::string(key) : name_ + "." + std::string(key);
        errors_->Add(line_, "missing required field '" + key_name + "'");
    }
    return field;
}

std::optional<std::string> ReadText(const YamlField& field, YamlErrors& errors, bool single_line) {
    if (!field.value.IsScalar()) {
        errors.AddField(field.line, field.name, "expected text, found " + DescribeNode(field.value));
        return std::nullopt;
    }
    std::string text = field.value.Scalar();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.pop_back();
    }
    if (text.empty()) {
        errors.AddField(field.line, field.name, "expected text, found an empty string");
        return std::nullopt;
    }
    if (single_line && text.find('\n') != std::string::npos) {
        errors.AddField(field.line, field.name,
                        "expected a single line, found " +
                            std::to_string(std::count(text.begin(), text.end(), '\n') + 1) + " lines");
        return std::nullopt;
    }
    return text;
}

std::optional<std::vector<YamlField>> ReadList(const YamlField& field, YamlErrors& errors, bool non_empty) {
    if (!field.value.IsSequence()) {
        errors.AddField(field.line, field.name, "expected a list, found " + DescribeNode(field.value));
        return std::nullopt;
    }
    if (non_empty && field.value.size() == 0) {
        errors.AddField(field.line, field.name, "expected at least one item, found an empty list");
        return std::nullopt;
    }
    std::vector<YamlField> items;
    for (size_t i = 0; i < field.value.size(); ++i) {
        const YAML::Node item = field.value[i];
        items.push_back(
            YamlField{field.name + "[" + std::to_string(i) + "]", item, item.IsNull() ? field.line : NodeLine(item)});
    }
    return items;
}

std::optional<std::vector<std::string>> ReadTextList(const YamlField& field, YamlErrors& errors, bool non_empty,
                                                     bool unique, bool single_line) {
    std::optional<std::vector<YamlField>> items = ReadList(field, errors, non_empty);
    if (!items) {
        return std::nullopt;
    }
    std::vector<std::string> texts;
    std::set<std::string> seen;
    bool valid = true;
    for (const YamlField& item : *items) {
        std::optional<std::string> text = ReadText(item, errors, single_line);
        if (!text) {
            valid = false;
            continue;
        }
        if (unique && !seen.insert(*text).second) {
            errors.AddField(item.line, item.name, "'" + *text + "' is listed twice");
            valid = false;
            continue;
        }
        texts.push_back(std::move(*text));
    }
    if (!valid) {
        return std::nullopt;
    }
    return texts;
}

std::optional<bool> ReadBool(const YamlField& field, YamlErrors& errors) {
    if (field.value.IsScalar() && field.value.Tag() == "?") {
        if (field.value.Scalar() == "true") {
            return true;
        }
        if (field.value.Scalar() == "false") {
            return false;
        }
    }
    errors.AddField(field.line, field.name, "expected true or false, found " + DescribeNode(field.value));
    return std::nullopt;
}

std::optional<int> ReadCount(const YamlField& field, YamlErrors& errors) {
    if (field.value.IsScalar() && field.value.Tag() == "?") {
        const std::string& text = field.value.Scalar();
        int value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc() && end == text.data() + text.size() && value >= 0) {
            return value;
        }
    }
    errors.AddField(field.line, field.name, "expected a whole number of 0 or more, found " + DescribeNode(field.value));
    return std::nullopt;
}

namespace {

// True for tags under which an unquoted scalar keeps its inferred type: none ("?") or an
// explicit number or bool tag. Quoted scalars carry "!", and !!str forces text.
bool IsInferredScalar(const YAML::Node& node) {
    const std::string& tag = node.Tag();
    return tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
           tag == "tag:yaml.org,2002:bool";
}

// Returns nullptr when the value nests deeper than `depth_left`, which also stops the
// recursion on a cycle that YAML aliases can build (`&a [*a]`).
DynamicPtr YamlToDynamic(const YAML::Node& node, int depth_left) {
    if (depth_left == 0) {
        return nullptr;
    }
    switch (node.Type()) {
    case YAML::NodeType::Sequence: {
        DynamicValue::Array items;
        for (const YAML::Node& item : node) {
            DynamicPtr value = YamlToDynamic(item, depth_left - 1);
            if (value == nullptr) {
                return nullptr;
            }
            items.push_back(std::move(value));
        }
        return DynamicValue::MakeArray(std::move(items));
    }
    case YAML::NodeType::Map: {
        DynamicValue::Object properties;
        for (const auto& entry : node) {
            DynamicPtr value = YamlToDynamic(entry.second, depth_left - 1);
            if (value == nullptr) {
                return nullptr;
            }
            properties.emplace_back(entry.first.Scalar(), std::move(value));
        }
        return DynamicValue::MakeObject(std::move(properties));
    }
    case YAML::NodeType::Scalar: {
        if (IsInferredScalar(node)) {
            Result<DynamicPtr> parsed = ParseJson(node.Scalar());
            if (parsed.ok() && *parsed != nullptr && (*parsed)->kind() != DynamicValue::Kind::kArray &&
                (*parsed)->kind() != DynamicValue::Kind::kObject && (*parsed)->kind() != DynamicValue::Kind::kString) {
                return *parsed;
            }
        }
        return DynamicValue::String(node.Scalar());
    }
    default:
        return DynamicValue::Null();
    }
}

} // namespace

std::optional<std::string> YamlToJson(const YAML::Node& node) {
    DynamicPtr value = YamlToDynamic(node, kMaxRowValueDepth);
    if (value == nullptr) {
        return std::nullopt;
    }
    return value->ToJson();
}

} // namespace unmask::detect::internal
