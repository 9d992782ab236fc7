#include "ingest/reject_log.h"

#include <algorithm>

namespace unmask::ingest {

namespace {

constexpr size_t kExampleValueBytes = 200;

}  // namespace

std::string CutExampleValue(std::string_view text) {
    if (text.size() <= kExampleValueBytes) {
        return std::string(text);
    }
    size_t cut = kExampleValueBytes;
    // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return std::string(text.substr(0, cut)) + "...";
}

std::string DescribeReject(const RejectExample& example) {
    std::string text = example.file + ":" + std::to_string(example.line) + ": " + example.reason;
    text += ": value \"" + example.value + "\"";
    if (!example.hint.empty()) {
        text += "; " + example.hint;
    }
    return text;
}

Status RejectStatus(const RejectExample& example) {
    return Status(ErrorKind::kInvalidInput, DescribeReject(example));
}

bool RejectLog::NeedsExample(const char* reason) const {
    const auto found = examples_per_reason_.find(reason);
    return found == examples_per_reason_.end() || found->second < max_examples_;
}

void RejectLog::AddExample(uint32_t file_index, RejectExample example) {
    ++examples_per_reason_[example.reason];
    entries_.push_back(Entry{file_index, std::move(example)});
}

void MergeRejectLogs(const std::vector<const RejectLog*>& logs, size_t max_examples_per_reason, ReadStats& stats) {
    std::vector<const RejectLog::Entry*> entries;
    for (const RejectLog* log : logs) {
        for (const auto& [reason, count] : log->counts()) {
            stats.rejected_by_reason[reason] += count;
        }
        for (const RejectLog::Entry& entry : log->entries()) {
            entries.push_back(&entry);
        }
    }
    // Each log holds its thread's earliest examples, and a thread handles blocks in input
    // order, so the first examples of the merged, sorted list are the first of the input.
    std::stable_sort(entries.begin(), entries.end(), [](const RejectLog::Entry* left, const RejectLog::Entry* right) {
        if (left->file_index != right->file_index) {
            return left->file_index < right->file_index;
        }
        return left->example.line < right->example.line;
    });
    std::map<std::string, size_t> examples_per_reason;
    for (const RejectLog::Entry* entry : entries) {
        size_t& count = examples_per_reason[entry->example.reason];
        if (count < max_examples_per_reason) {
            ++count;
            stats.examples.push_back(entry->example);
        }
    }
}

}  // namespace unmask::ingest
