#include "ingest/sensor/key_log_source.h"

#include <filesystem>
#include <system_error>

namespace unmask::ingest {

const dissect::TlsSessionSecrets* FollowedKeyLog::Find(std::span<const uint8_t> client_random) {
    if (log_) {
        if (const dissect::TlsSessionSecrets* secrets = log_->Find(client_random)) {
            return secrets;
        }
    }
    ReloadIfChanged();
    return log_ ? log_->Find(client_random) : nullptr;
}

void FollowedKeyLog::Refresh() {
    last_check_ = {};
    ReloadIfChanged();
}

void FollowedKeyLog::ReloadIfChanged() {
    const auto now = std::chrono::steady_clock::now();
    if (last_check_ != std::chrono::steady_clock::time_point{} && now - last_check_ < kReloadInterval) {
        return;
    }
    last_check_ = now;
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(path_, error);
    // Key logs only grow, so a file of the same size has no new line.
    if (error || size == loaded_size_) {
        return;
    }
    Result<dissect::TlsKeyLog> loaded = dissect::TlsKeyLog::Load(path_);
    if (!loaded.ok()) {
        last_error_.assign(loaded.status().message());
        return;
    }
    last_error_.clear();
    log_ = std::make_unique<dissect::TlsKeyLog>(std::move(loaded).value());
    loaded_size_ = size;
}

} // namespace unmask::ingest
