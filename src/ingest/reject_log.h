// Counting rejected records and keeping the first examples of each reason.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/reader.h"

namespace unmask::ingest {

/// Cuts `text` to about 200 bytes at a UTF-8 character boundary, marking a cut with "...".
std::string CutExampleValue(std::string_view text);

/// The kInvalidInput Status that strict mode returns for a rejected record.
Status RejectStatus(const RejectExample& example);

/// Rejects seen by one thread. Examples carry the input position (file index, line) so that
/// the logs of several threads merge into input order.
class RejectLog {
public:
    struct Entry {
        uint32_t file_index = 0;
        RejectExample example;
    };

    explicit RejectLog(size_t max_examples_per_reason) : max_examples_(max_examples_per_reason) {}

    /// Counts one rejected record under `reason`.
    void Count(const char* reason) { ++counts_[reason]; }

    /// True while fewer than the maximum examples of `reason` are kept, so the caller should
    /// build one.
    bool NeedsExample(const char* reason) const;

    /// Keeps an example. Call after Count and only when NeedsExample returned true.
    void AddExample(uint32_t file_index, RejectExample example);

    const std::map<std::string, uint64_t>& counts() const { return counts_; }
    const std::vector<Entry>& entries() const { return entries_; }

private:
    size_t max_examples_;
    std::map<std::string, uint64_t> counts_;
    std::map<std::string, size_t> examples_per_reason_;
    std::vector<Entry> entries_;
};

/// Adds the counts of all logs to `stats` and keeps, per reason, the first
/// `max_examples_per_reason` examples in input order.
void MergeRejectLogs(const std::vector<const RejectLog*>& logs, size_t max_examples_per_reason, ReadStats& stats);

}  // namespace unmask::ingest
