// IPv4 and URL functions: parse_ipv4, ipv4_is_private, ipv4_is_in_range, ipv4_is_in_any_range,
// ipv4_is_match, url_decode, parse_url.
//
// IPv4 text is four decimal octets with an optional "/prefix" (0-32); a prefix masks the address.
// When two addresses are compared, the shorter of their prefixes applies to both. Text that is
// not an IPv4 address gives null.
#include <optional>

#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

struct Ipv4 {
    uint32_t address = 0;
    int prefix = 32;
};

std::optional<Ipv4> ParseIpv4(std::string_view text) {
    Ipv4 result;
    const size_t slash = text.find('/');
    if (slash != std::string_view::npos) {
        const std::optional<int64_t> prefix = ParseLongText(text.substr(slash + 1));
        if (!prefix || *prefix < 0 || *prefix > 32) {
            return std::nullopt;
        }
        result.prefix = static_cast<int>(*prefix);
        text = text.substr(0, slash);
    }
    uint32_t address = 0;
    for (int octet = 0; octet < 4; ++octet) {
        size_t digits = 0;
        uint32_t value = 0;
        while (digits < text.size() && digits < 4 && text[digits] >= '0' && text[digits] <= '9') {
            value = value * 10 + static_cast<uint32_t>(text[digits] - '0');
            ++digits;
        }
        if (digits == 0 || digits > 3 || value > 255) {
            return std::nullopt;
        }
        address = (address << 8) | value;
        text.remove_prefix(digits);
        if (octet < 3) {
            if (text.empty() || text.front() != '.') {
                return std::nullopt;
            }
            text.remove_prefix(1);
        }
    }
    if (!text.empty()) {
        return std::nullopt;
    }
    result.address = address;
    return result;
}

uint32_t Mask(int prefix) {
    return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
}

bool SameNetwork(const Ipv4& a, const Ipv4& b, int prefix) {
    const uint32_t mask = Mask(std::min({a.prefix, b.prefix, prefix}));
    return (a.address & mask) == (b.address & mask);
}

bool IsPrivate(const Ipv4& ip) {
    const uint32_t address = ip.address & Mask(ip.prefix);
    return (address >> 24) == 10 || (address >> 20) == ((172u << 4) | 1u) || (address >> 16) == ((192u << 8) | 168u);
}

/// Binder for f(ip, ...) -> bool whose arguments are all converted to strings;
/// `compute(args, row)` returns nullopt for null.
template <typename Compute>
ScalarBinder Ipv4PredicateBinder(Compute compute) {
    return [compute](std::span<const BindArg> args) -> Result<BoundScalar> {
        std::vector<Type> targets(args.size(), Type::kString);
        for (size_t position = 0; position < args.size(); ++position) {
            if (args[position].type == Type::kDynamic || IsIntegerType(args[position].type)) {
                targets[position] = args[position].type;
            }
        }
        ScalarKernel kernel = [compute](const KernelArgs& kernel_args, Column& out) -> Status {
            ResizeOutput(out, kernel_args.rows);
            for (size_t row = 0; row < kernel_args.rows; ++row) {
                const std::optional<bool> result = compute(kernel_args, row);
                if (result) {
                    out.ints[row] = *result;
                } else {
                    MarkNull(out, row);
                }
            }
            return Status::Ok();
        };
        return BoundScalar{Type::kBool, WithConvertedArguments(std::move(targets), std::move(kernel))};
    };
}

/// Reads argument `position` of a row as IPv4 text (a string column or a dynamic string).
std::optional<Ipv4> Ipv4Argument(const KernelArgs& args, size_t position, size_t row) {
    const Column& column = *args.columns[position];
    if (column.type == Type::kString) {
        return ParseIpv4(column.strings[row]);
    }
    std::string text;
    AppendCellText(text, column, row);
    return ParseIpv4(text);
}

std::optional<bool> InAnyRange(const KernelArgs& args, size_t row) {
    const std::optional<Ipv4> ip = Ipv4Argument(args, 0, row);
    if (!ip) {
        return std::nullopt;
    }
    bool found = false;
    const auto check = [&](std::string_view range_text) {
        const std::optional<Ipv4> range = ParseIpv4(range_text);
        if (!range) {
            return false;
        }
        found = found || SameNetwork(*ip, *range, range->prefix);
        return true;
    };
    for (size_t position = 1; position < args.columns.size(); ++position) {
        const Column& column = *args.columns[position];
        const DynamicValue* value = column.type == Type::kDynamic ? column.dynamics[row].get() : nullptr;
        if (value != nullptr && value->kind() == DynamicValue::Kind::kArray) {
            for (const DynamicPtr& item : value->array()) {
                std::string text;
                AppendDynamicText(text, item.get());
                if (!check(text)) {
                    return std::nullopt;
                }
            }
            continue;
        }
        std::string text;
        AppendCellText(text, column, row);
        if (!check(text)) {
            return std::nullopt;
        }
    }
    return found;
}

// --- URLs --------------------------------------------------------------------------------------

int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// Decodes %XX escapes; a '%' not followed by two hex digits is kept as is, and '+' stays '+'.
void AppendUrlDecoded(std::string& out, std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int high = HexValue(text[i + 1]);
            const int low = HexValue(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
}

/// Splits an absolute URL into the parts Kusto's parse_url() reports. Text without "scheme://"
/// gives every part empty.
DynamicPtr ParseUrl(std::string_view url) {
    std::string scheme, host, port, path, username, password, fragment;
    DynamicValue::Object query;
    const size_t scheme_end = url.find("://");
    if (scheme_end != std::string_view::npos && scheme_end > 0) {
        scheme = std::string(url.substr(0, scheme_end));
        std::string_view rest = url.substr(scheme_end + 3);
        const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
        std::string_view authority = rest.substr(0, authority_end);
        rest.remove_prefix(authority_end);
        const size_t at = authority.rfind('@');
        if (at != std::string_view::npos) {
            const std::string_view user_info = authority.substr(0, at);
            const size_t colon = user_info.find(':');
            username = std::string(user_info.substr(0, colon));
            if (colon != std::string_view::npos) {
                password = std::string(user_info.substr(colon + 1));
            }
            authority.remove_prefix(at + 1);
        }
        const size_t bracket = authority.rfind(']');
        const size_t colon = authority.rfind(':');
        if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
            port = std::string(authority.substr(colon + 1));
            authority = authority.substr(0, colon);
        }
        host = std::string(authority);
        const size_t hash = rest.find('#');
        if (hash != std::string_view::npos) {
            fragment = std::string(rest.substr(hash + 1));
            rest = rest.substr(0, hash);
        }
        const size_t question = rest.find('?');
        path = std::string(rest.substr(0, question));
        if (question != std::string_view::npos) {
            std::string_view parameters = rest.substr(question + 1);
            while (!parameters.empty()) {
                const size_t amp = std::min(parameters.find('&'), parameters.size());
                const std::string_view pair = parameters.substr(0, amp);
                parameters.remove_prefix(std::min(amp + 1, parameters.size()));
                if (pair.empty()) {
                    continue;
                }
                const size_t equals = pair.find('=');
                std::string value;
                if (equals != std::string_view::npos) {
                    AppendUrlDecoded(value, pair.substr(equals + 1));
                }
                query.emplace_back(std::string(pair.substr(0, equals)), DynamicValue::String(std::move(value)));
            }
        }
    }
    return DynamicValue::MakeObject({{"Scheme", DynamicValue::String(std::move(scheme))},
                                     {"Host", DynamicValue::String(std::move(host))},
                                     {"Port", DynamicValue::String(std::move(port))},
                                     {"Path", DynamicValue::String(std::move(path))},
                                     {"Username", DynamicValue::String(std::move(username))},
                                     {"Password", DynamicValue::String(std::move(password))},
                                     {"Query Parameters", DynamicValue::MakeObject(std::move(query))},
                                     {"Fragment", DynamicValue::String(std::move(fragment))}});
}

} // namespace

void AddNetworkFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction(
        "parse_ipv4", 1, 1, "parse_ipv4(ip) -> long",
        "Converts IPv4 text (with an optional /prefix that masks it) to a long in big-endian order.",
        "parse_ipv4(\"192.168.1.1/24\")", "3232235776", [](std::span<const BindArg>) -> Result<BoundScalar> {
            ScalarKernel kernel = [](const KernelArgs& args, Column& out) -> Status {
                const Column& text = *args.columns[0];
                ResizeOutput(out, args.rows);
                for (size_t row = 0; row < args.rows; ++row) {
                    const std::optional<Ipv4> ip = ParseIpv4(text.strings[row]);
                    if (ip) {
                        out.ints[row] = ip->address & Mask(ip->prefix);
                    } else {
                        MarkNull(out, row);
                    }
                }
                return Status::Ok();
            };
            return BoundScalar{Type::kLong, WithConvertedArguments({Type::kString}, std::move(kernel))};
        }));

    table.push_back(DefineFunction(
        "ipv4_is_private", 1, 1, "ipv4_is_private(ip) -> bool",
        "Returns whether an IPv4 address lies in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.",
        "ipv4_is_private(\"172.31.255.1\")", "True", Ipv4PredicateBinder([](const KernelArgs& args, size_t row) {
            const std::optional<Ipv4> ip = Ipv4Argument(args, 0, row);
            return ip ? std::optional<bool>(IsPrivate(*ip)) : std::nullopt;
        })));

    table.push_back(DefineFunction("ipv4_is_in_range", 2, 2, "ipv4_is_in_range(ip, range) -> bool",
                                   "Returns whether an IPv4 address lies in a range written as address/prefix.",
                                   "ipv4_is_in_range(\"192.168.1.1\", \"192.168.1.255/24\")", "True",
                                   Ipv4PredicateBinder([](const KernelArgs& args, size_t row) -> std::optional<bool> {
                                       const std::optional<Ipv4> ip = Ipv4Argument(args, 0, row);
                                       const std::optional<Ipv4> range = Ipv4Argument(args, 1, row);
                                       if (!ip || !range) {
                                           return std::nullopt;
                                       }
                                       return SameNetwork(*ip, *range, range->prefix);
                                   })));

    table.push_back(DefineFunction(
        "ipv4_is_in_any_range", 2, 64, "ipv4_is_in_any_range(ip, range1[, range2, ...] | ranges) -> bool",
        "Returns whether an IPv4 address lies in any of the ranges, given as arguments or as a dynamic array.",
        "ipv4_is_in_any_range(\"10.1.2.3\", dynamic([\"192.168.1.1/16\", \"10.0.0.1/8\"]))", "True",
        Ipv4PredicateBinder(InAnyRange)));

    table.push_back(DefineFunction(
        "ipv4_is_match", 2, 3, "ipv4_is_match(ip1, ip2[, prefix]) -> bool",
        "Returns whether two IPv4 addresses are equal under the shortest of their prefixes and the optional prefix.",
        "ipv4_is_match(\"192.168.1.1\", \"192.168.1.255\", 24)", "True",
        Ipv4PredicateBinder([](const KernelArgs& args, size_t row) -> std::optional<bool> {
            const std::optional<Ipv4> first = Ipv4Argument(args, 0, row);
            const std::optional<Ipv4> second = Ipv4Argument(args, 1, row);
            int prefix = 32;
            if (args.columns.size() > 2) {
                const Column& prefixes = *args.columns[2];
                if (prefixes.IsNull(row) || prefixes.ints[row] < 0 || prefixes.ints[row] > 32) {
                    return std::nullopt;
                }
                prefix = static_cast<int>(prefixes.ints[row]);
            }
            if (!first || !second) {
                return std::nullopt;
            }
            return SameNetwork(*first, *second, prefix);
        })));

    table.push_back(DefineFunction(
        "url_decode", 1, 1, "url_decode(text) -> string", "Decodes %XX escapes of a URL-encoded string.",
        "url_decode(\"https%3a%2f%2fwww.bing.com%2f\")", "https://www.bing.com/",
        [](std::span<const BindArg>) -> Result<BoundScalar> {
            ScalarKernel kernel = [](const KernelArgs& args, Column& out) -> Status {
                const Column& text = *args.columns[0];
                ResizeOutput(out, args.rows);
                StringArena& arena = out.NewArena();
                std::string buffer;
                for (size_t row = 0; row < args.rows; ++row) {
                    buffer.clear();
                    AppendUrlDecoded(buffer, text.strings[row]);
                    out.strings[row] = arena.Add(buffer);
                }
                return Status::Ok();
            };
            return BoundScalar{Type::kString, WithConvertedArguments({Type::kString}, std::move(kernel))};
        }));

    table.push_back(DefineFunction(
        "parse_url", 1, 1, "parse_url(url) -> dynamic",
        "Splits an absolute URL into Scheme, Host, Port, Path, Username, Password, Query Parameters and Fragment.",
        "parse_url(\"https://user:pw@host:8080/a/b?k1=v1&k2=v%202#frag\")",
        "{\"Scheme\":\"https\",\"Host\":\"host\",\"Port\":\"8080\",\"Path\":\"/a/b\",\"Username\":\"user\","
        "\"Password\":\"pw\",\"Query Parameters\":{\"k1\":\"v1\",\"k2\":\"v 2\"},\"Fragment\":\"frag\"}",
        [](std::span<const BindArg>) -> Result<BoundScalar> {
            ScalarKernel kernel = [](const KernelArgs& args, Column& out) -> Status {
                const Column& text = *args.columns[0];
                ResizeOutput(out, args.rows);
                for (size_t row = 0; row < args.rows; ++row) {
                    out.dynamics[row] = ParseUrl(text.strings[row]);
                }
                return Status::Ok();
            };
            return BoundScalar{Type::kDynamic, WithConvertedArguments({Type::kString}, std::move(kernel))};
        }));
}

} // namespace unmask::functions
