// Sources of TLS session secrets for the capture path: a key log read once (capture files), or a
// key log that a browser or curl is still writing while a live capture runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "dissect/tls_keylog.h"

namespace unmask::ingest {

class TlsSecretsSource {
public:
    virtual ~TlsSecretsSource() = default;
    /// Returns the secrets of the session with this client random, or null.
    virtual const dissect::TlsSessionSecrets* Find(std::span<const uint8_t> client_random) = 0;
    /// True when a session missing now may appear later, so a flow should keep its bytes and ask
    /// again.
    virtual bool MayGrow() const { return false; }
    /// Reads a growing source again now, without waiting for its reload interval.
    virtual void Refresh() {}
};

/// A key log read before the capture. Find is safe to call from several threads.
class FixedKeyLog : public TlsSecretsSource {
public:
    explicit FixedKeyLog(const dissect::TlsKeyLog& log) : log_(log) {}
    const dissect::TlsSessionSecrets* Find(std::span<const uint8_t> client_random) override {
        return log_.Find(client_random);
    }

private:
    const dissect::TlsKeyLog& log_;
};

/// The key log embedded in one capture file (pcapng Decryption Secrets Blocks), asked first,
/// then another source (may be null), such as the --tls-keylog file.
class CombinedKeyLog : public TlsSecretsSource {
public:
    CombinedKeyLog(dissect::TlsKeyLog embedded, TlsSecretsSource* fallback)
        : embedded_(std::move(embedded)), fallback_(fallback) {}
    const dissect::TlsSessionSecrets* Find(std::span<const uint8_t> client_random) override {
        const dissect::TlsSessionSecrets* secrets = embedded_.Find(client_random);
        return secrets != nullptr || fallback_ == nullptr ? secrets : fallback_->Find(client_random);
    }
    bool MayGrow() const override { return fallback_ != nullptr && fallback_->MayGrow(); }
    void Refresh() override {
        if (fallback_ != nullptr) {
            fallback_->Refresh();
        }
    }

private:
    dissect::TlsKeyLog embedded_;
    TlsSecretsSource* fallback_;
};

/// A key log file that grows while a live capture runs: a miss reads the file again when it has
/// changed, at most every kReloadInterval. The file may be missing or empty at the start. Not
/// thread-safe.
class FollowedKeyLog : public TlsSecretsSource {
public:
    static constexpr std::chrono::milliseconds kReloadInterval{500};

    explicit FollowedKeyLog(std::string path) : path_(std::move(path)) {}
    const dissect::TlsSessionSecrets* Find(std::span<const uint8_t> client_random) override;
    bool MayGrow() const override { return true; }
    void Refresh() override;

    /// Sessions in the last successful read.
    size_t sessions() const { return log_ ? log_->sessions() : 0; }
    /// The error of the last read, "" when it succeeded or the file does not exist yet.
    const std::string& last_error() const { return last_error_; }

private:
    void ReloadIfChanged();

    std::string path_;
    std::unique_ptr<dissect::TlsKeyLog> log_;
    std::string last_error_;
    uintmax_t loaded_size_ = 0;
    std::chrono::steady_clock::time_point last_check_{};
};

} // namespace unmask::ingest
