// Kusto `dynamic` values: immutable JSON-like trees shared by pointer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace unmask {

class DynamicValue;
/// A dynamic value; nullptr is Kusto's null.
using DynamicPtr = std::shared_ptr<const DynamicValue>;

/// One node of a dynamic value. Nodes are immutable after construction, so columns and
/// aggregate states share them freely across threads.
class DynamicValue {
public:
    enum class Kind : uint8_t { kNull, kBool, kLong, kReal, kString, kDateTime, kTimeSpan, kArray, kObject };
    using Array = std::vector<DynamicPtr>;
    /// Properties in insertion order; lookups are linear, which suits the small bags of real data.
    using Object = std::vector<std::pair<std::string, DynamicPtr>>;

    static DynamicPtr Null();
    static DynamicPtr Bool(bool value);
    static DynamicPtr Long(int64_t value);
    static DynamicPtr Real(double value);
    static DynamicPtr String(std::string value);
    static DynamicPtr DateTime(int64_t ticks);
    static DynamicPtr TimeSpan(int64_t ticks);
    static DynamicPtr MakeArray(Array items);
    static DynamicPtr MakeObject(Object properties);

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::kNull; }
    bool bool_value() const { return integer_ != 0; }
    /// Long, datetime and timespan payload.
    int64_t integer() const { return integer_; }
    double real() const { return real_; }
    const std::string& string() const { return string_; }
    const Array& array() const { return array_; }
    const Object& object() const { return object_; }

    /// Returns the property `key`, or nullptr when this is not an object or has no such key.
    const DynamicPtr* Find(std::string_view key) const;

    /// Serializes as compact JSON the way Kusto's tostring() does: datetimes and timespans as
    /// quoted strings, reals in the shortest form that round-trips.
    std::string ToJson() const;
    void AppendJson(std::string& out) const;

    DynamicValue() = default;

private:
    Kind kind_ = Kind::kNull;
    int64_t integer_ = 0;
    double real_ = 0;
    std::string string_;
    Array array_;
    Object object_;
};

/// Limits for parsing JSON from untrusted input into dynamic values.
struct JsonLimits {
    size_t max_bytes = 64 * 1024 * 1024;
    size_t max_depth = 128;
};

/// Parses JSON text into a dynamic value. Integers that fit int64 become longs, other numbers
/// reals. Fails with kInvalidInput (naming the position) when the text is not JSON.
Result<DynamicPtr> ParseJson(std::string_view text, const JsonLimits& limits = {});

/// Three-way comparison used by sorting and set operations on dynamic values: null first,
/// then by kind, then by value.
int CompareDynamic(const DynamicValue* left, const DynamicValue* right);

/// Equality with Kusto's rules for dynamic values (numbers compare by value across long and real).
bool EqualDynamic(const DynamicValue* left, const DynamicValue* right);

}  // namespace unmask
