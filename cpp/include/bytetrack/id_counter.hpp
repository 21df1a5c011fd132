// Source of track ids.
#pragma once

#include <atomic>
#include <cstdint>

namespace bytetrack {

// A tracker owns one by default (first id 1, like the references). Several
// trackers may share one to get ids unique across all of them, e.g. one tracker
// per camera stream. This is the library's only shared mutable state, and it is
// a lock-free atomic, so sharing it between threads is safe.
class IdCounter {
public:
    explicit IdCounter(std::int64_t start = 1) : next_(start), start_(start) {}
    IdCounter(const IdCounter&) = delete;
    IdCounter& operator=(const IdCounter&) = delete;

    // Takes the next id.
    std::int64_t take() { return next_.fetch_add(1, std::memory_order_relaxed); }
    // Takes `count` consecutive ids at once and returns the first (a caller
    // numbering a whole batch gets one contiguous block).
    std::int64_t take_block(std::int64_t count) { return next_.fetch_add(count, std::memory_order_relaxed); }
    // The id the next take() will return.
    std::int64_t peek() const { return next_.load(std::memory_order_relaxed); }
    std::int64_t start() const { return start_; }
    void reset() { next_.store(start_, std::memory_order_relaxed); }
    // Restores a saved position (state restore).
    void set_next(std::int64_t next) { next_.store(next, std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> next_;
    std::int64_t start_;
};

}  // namespace bytetrack
