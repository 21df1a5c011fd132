// Many camera streams in one process: one independent tracker per stream, track
// ids unique across all of them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "bytetrack/id_counter.hpp"
#include "bytetrack/state_io.hpp"
#include "bytetrack/thread_pool.hpp"
#include "bytetrack/tracker_engine.hpp"

namespace bytetrack {

using StreamId = std::uint64_t;  // DeepStream's source ids are 64-bit

// One frame of one stream, as views of the caller's arrays (see BYTETracker::update).
struct StreamFrame {
    StreamId stream_id = 0;
    const double* xyxy = nullptr;
    const double* scores = nullptr;
    const std::int64_t* class_ids = nullptr;  // may be null
    std::size_t n = 0;
    std::uint8_t dtypes = 0;  // input_dtype flags (tracker_engine.hpp)
};

struct StreamState;  // defined in multi_stream_tracker.cpp

// Results of one batch, owned by the caller and reused: once its buffers have
// grown to the largest batch seen, a batch allocates nothing.
class BatchResult {
public:
    BatchResult() = default;
    BatchResult(const BatchResult&) = delete;
    BatchResult& operator=(const BatchResult&) = delete;

    // Frames of the batch whose results are final (a prefix of the batch).
    std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
    // Tracks of the k-th frame of the batch (batch order), k < size().
    const TrackOutput* tracks(std::size_t k) const { return tracks_.data() + offsets_[k]; }
    std::size_t num_tracks(std::size_t k) const { return offsets_[k + 1] - offsets_[k]; }

private:
    friend class MultiStreamTracker;
    std::vector<TrackOutput> tracks_;  // final frames' tracks, in batch order
    std::vector<std::size_t> offsets_;
    // State of the batch in progress.
    const StreamFrame* frames_ = nullptr;
    std::size_t count_ = 0;
    std::uint64_t tick_ = 0;
    bool open_ = false;
    std::vector<std::shared_ptr<StreamState>> streams_;
    std::vector<std::size_t> lock_order_;  // batch positions by ascending stream id
    std::size_t locked_ = 0;               // streams locked, in lock_order_
    std::vector<std::exception_ptr> errors_;
    std::unique_ptr<std::atomic<unsigned char>[]> updated_;  // per frame, set by the task
    std::size_t updated_capacity_ = 0;
    PoolJob job_;
};

// Thread safety: every public member may be called from any thread at any
// time. Calls on different streams run concurrently; calls on one stream are
// serialised by that stream's mutex. remove_stream() racing with update() on
// the same stream behaves as if one happened before the other.
//
// Id guarantee: the context takes ids from one atomic 64-bit counter, so ids
// are unique across all streams (and across every tracker sharing the
// counter). Engines give new tracks provisional ids; the context replaces them
// from the counter right after the stream's update, in the order the engine
// created them. So within a stream ids increase in birth order, and a stream's
// output equals an isolated tracker's up to one order-preserving renaming of
// ids. A batch numbers its frames strictly in batch order, after each frame's
// update and independently of which thread ran it: results never depend on the
// thread count, and (when no other thread takes ids meanwhile) a batch gives
// exactly the ids that calling update() on its frames in that order gives.
//
// Idle eviction counts "updates": every update() and every update_batch() call
// on the context is one update (a batch is one, however many streams it holds).
// A stream's idle time is the number of updates since the last one that
// included it; after each update, streams idle for more than max_idle_frames
// are removed. (With a loop of update() calls over S streams each stream is
// idle S - 1 updates between its frames: size max_idle_frames accordingly.)
class MultiStreamTracker {
public:
    static constexpr std::uint64_t kNoEviction = UINT64_MAX;
    static constexpr int kMaxThreads = 256;

    // `ids` may be shared with other trackers; by default the context owns one
    // starting at 1.
    MultiStreamTracker(std::shared_ptr<const EngineFactory> engine, int threads = 1,
                       std::uint64_t max_idle_frames = kNoEviction, std::shared_ptr<IdCounter> ids = nullptr);
    ~MultiStreamTracker();
    MultiStreamTracker(const MultiStreamTracker&) = delete;
    MultiStreamTracker& operator=(const MultiStreamTracker&) = delete;

    // Checks input without touching any state; throws std::invalid_argument
    // (for a batch: the first invalid frame in batch order, naming its stream).
    void validate(const StreamFrame& frame) const;
    void validate_batch(const StreamFrame* frames, std::size_t count) const;

    // One frame of one stream (the stream is created on its first frame). The
    // confirmed tracks are written to `out` (cleared first, capacity reused).
    void update(const StreamFrame& frame, std::vector<TrackOutput>& out);

    // One frame for each of `count` distinct streams, updated on the thread
    // pool. Invalid input (any frame, or a repeated stream id) throws before any
    // stream is created or changed. Same as begin_batch + end_batch.
    void update_batch(const StreamFrame* frames, std::size_t count, BatchResult& out);

    // The same in steps, for callers that consume results while later streams
    // are still being updated (the Python binding builds its result objects
    // meanwhile). begin_batch validates, locks the streams and starts the
    // updates on the pool; finish_frame(k) makes out.tracks(k) final (helping
    // with the work or waiting as needed; frames are finished in batch order, so
    // it finishes every earlier frame first); end_batch finishes the rest,
    // unlocks the streams, evicts idle ones and rethrows an engine error if one
    // occurred. `frames` must stay valid until end_batch, which must be called
    // once for every begin_batch that returned normally (also on error paths).
    void begin_batch(const StreamFrame* frames, std::size_t count, BatchResult& out);
    // True if frame k has been updated, so that finish_frame(k) will not block.
    bool frame_updated(std::size_t k, const BatchResult& out) const;
    void finish_frame(std::size_t k, BatchResult& out);
    // Finishes further frames in batch order for as long as that needs no
    // waiting for another thread (the next frame is updated, or no thread has
    // started it and this one can). Lets a caller that must release a lock
    // (the GIL) to wait do so once for a run of frames.
    void finish_while_ready(BatchResult& out);
    void end_batch(BatchResult& out);

    // Frees the stream's tracker; false if there is no such stream. A later
    // frame with the same id starts a fresh tracker (with new ids).
    bool remove_stream(StreamId id);
    // Removes every stream, restarts the update count and, if the context owns
    // its id counter, the ids.
    void reset();

    bool contains(StreamId id) const;
    std::size_t num_streams() const;
    std::vector<StreamId> stream_ids() const;  // ascending
    std::uint64_t num_updates() const { return updates_.load(std::memory_order_relaxed); }
    // Live (tracked + lost) tracks over all streams.
    std::size_t num_live_tracks() const;
    // Estimated heap bytes held by all streams (engines and per-stream state).
    std::size_t heap_bytes() const;
    // Frames the stream has seen; throws std::out_of_range for an unknown id.
    std::int64_t stream_frame_id(StreamId id) const;

    const EngineFactory& engine() const { return *engine_; }
    int threads() const { return pool_.threads(); }
    std::uint64_t max_idle_frames() const { return max_idle_; }
    const std::shared_ptr<IdCounter>& id_counter() const { return ids_; }
    bool owns_id_counter() const { return owns_ids_; }

    // State save/restore (pickle). save_state writes the engine configuration,
    // threads, max_idle_frames, the update count, the id counter's start and
    // position, and every stream (ascending id) with its engine's complete
    // state and its last update. It holds every stream's lock meanwhile, so the
    // snapshot is consistent with itself; calls racing with it land before or
    // after it, except that the update count and id position may include an
    // update() that has begun but not yet locked its stream.
    void save_state(StateWriter& w) const;
    // A new context continuing exactly where the saved one was: same streams,
    // idle clocks and next ids. It always owns its id counter (start and position
    // as saved), also when the saved context shared one: sharing is a relation
    // between live objects and cannot be saved. Throws std::invalid_argument
    // ("state: ...") on a malformed or incompatible blob.
    static std::unique_ptr<MultiStreamTracker> load_state(StateReader& r);

private:
    using StreamMap = std::unordered_map<StreamId, std::shared_ptr<StreamState>>;

    std::shared_ptr<StreamState> find(StreamId id) const;
    std::shared_ptr<StreamState> find_or_create(StreamId id, std::uint64_t tick);
    void create_missing(BatchResult& out);
    bool lock_batch(BatchResult& out);
    void validate_on_pool(const StreamFrame* frames, std::size_t count, BatchResult& out);
    static void unlock_batch(BatchResult& out);
    void finish_next(BatchResult& out);
    void lower_eviction_bound(std::uint64_t last_update);
    void maybe_evict();
    static void retire(StreamState& stream);  // caller holds the stream's mutex

    std::shared_ptr<const EngineFactory> engine_;
    bool owns_ids_;
    std::uint64_t max_idle_;
    std::shared_ptr<IdCounter> ids_;

    mutable std::shared_mutex map_mutex_;  // guards streams_
    StreamMap streams_;

    std::atomic<std::uint64_t> updates_{0};
    // No stream can be idle too long before this update count (a lower bound,
    // so most updates skip the eviction scan).
    std::atomic<std::uint64_t> evict_check_at_{UINT64_MAX};

    ThreadPool pool_;
};

}  // namespace bytetrack
