#include "bytetrack/multi_stream_tracker.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bytetrack {

// One stream's tracker. The context's map and in-flight calls share it; once
// removed it is marked so that a call still holding it looks the id up again.
struct StreamState {
    std::mutex mutex;                       // serialises calls on this stream
    std::unique_ptr<TrackerEngine> engine;  // null once removed (guarded by mutex)
    bool removed = false;                   // guarded by mutex
    std::atomic<std::uint64_t> last_update{0};
};

namespace {

int checked_threads(int threads) {
    if (threads < 1 || threads > MultiStreamTracker::kMaxThreads)
        throw std::invalid_argument("threads must be in [1, " + std::to_string(MultiStreamTracker::kMaxThreads) +
                                    "], got " + std::to_string(threads));
    return threads;
}

void atomic_max(std::atomic<std::uint64_t>& a, std::uint64_t v) {
    std::uint64_t cur = a.load(std::memory_order_relaxed);
    while (cur < v && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    }
}

}  // namespace

MultiStreamTracker::MultiStreamTracker(std::shared_ptr<const EngineFactory> engine, int threads,
                                       std::uint64_t max_idle_frames, std::shared_ptr<IdCounter> ids)
    : engine_(std::move(engine)),
      owns_ids_(ids == nullptr),
      max_idle_(max_idle_frames),
      pool_(checked_threads(threads)) {
    if (!engine_) throw std::invalid_argument("engine must not be null");
    ids_ = ids ? std::move(ids) : std::make_shared<IdCounter>(1);
    if (!engine_->allows_negative_ids() && (ids_->start() < 0 || ids_->peek() < 0))
        throw std::invalid_argument("id_counter: engine '" + engine_->name() +
                                    "' reports -1 for rows without an id, so its ids must be >= 0");
}

MultiStreamTracker::~MultiStreamTracker() = default;

// ---------------------------------------------------------------- validation

namespace {

void validate_frame(const EngineFactory& engine, const StreamFrame& f) {
    if (f.n > 0 && (f.xyxy == nullptr || f.scores == nullptr))
        throw std::invalid_argument("xyxy and scores must not be null");
    engine.validate(f.xyxy, f.scores, f.class_ids, f.n);
}

std::invalid_argument frame_error(const StreamFrame& f, const std::invalid_argument& e) {
    return std::invalid_argument("stream " + std::to_string(f.stream_id) + ": " + e.what());
}

// Rethrows the first error in batch order, if any, leaving none recorded.
void rethrow_first(std::vector<std::exception_ptr>& errors) {
    for (std::exception_ptr& e : errors) {
        if (!e) continue;
        std::exception_ptr first = e;
        std::fill(errors.begin(), errors.end(), nullptr);
        std::rethrow_exception(first);
    }
}

}  // namespace

void MultiStreamTracker::validate(const StreamFrame& f) const { validate_frame(*engine_, f); }

void MultiStreamTracker::validate_batch(const StreamFrame* frames, std::size_t count) const {
    for (std::size_t k = 0; k < count; ++k) {
        try {
            validate_frame(*engine_, frames[k]);
        } catch (const std::invalid_argument& e) {
            throw frame_error(frames[k], e);
        }
    }
}

// validate_batch on the pool. Validation reads every detection of the batch
// (cold in cache) and is most of a batch's serial work; run on the threads that
// are about to update those streams, it also warms their caches.
void MultiStreamTracker::validate_on_pool(const StreamFrame* frames, std::size_t count, BatchResult& out) {
    out.errors_.assign(count, nullptr);
    auto task = [&](std::size_t k) {
        try {
            validate_frame(*engine_, frames[k]);
        } catch (const std::invalid_argument& e) {
            out.errors_[k] = std::make_exception_ptr(frame_error(frames[k], e));
        } catch (...) {
            out.errors_[k] = std::current_exception();
        }
    };
    pool_.run(count, task, out.job_);
    rethrow_first(out.errors_);
}

// ---------------------------------------------------------------- stream map

std::shared_ptr<StreamState> MultiStreamTracker::find(StreamId id) const {
    std::shared_lock<std::shared_mutex> lock(map_mutex_);
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second;
}

std::shared_ptr<StreamState> MultiStreamTracker::find_or_create(StreamId id, std::uint64_t tick) {
    if (auto s = find(id)) return s;
    std::unique_lock<std::shared_mutex> lock(map_mutex_);
    auto& slot = streams_[id];
    if (!slot) {
        auto s = std::make_shared<StreamState>();
        s->engine = engine_->create();
        s->last_update.store(tick, std::memory_order_relaxed);
        slot = std::move(s);
        lower_eviction_bound(tick);
    }
    return slot;
}

void MultiStreamTracker::create_missing(BatchResult& out) {
    bool missing = false;
    {
        std::shared_lock<std::shared_mutex> lock(map_mutex_);
        for (std::size_t k = 0; k < out.count_; ++k) {
            auto it = streams_.find(out.frames_[k].stream_id);
            out.streams_[k] = it == streams_.end() ? nullptr : it->second;
            missing = missing || !out.streams_[k];
        }
    }
    if (!missing) return;
    std::unique_lock<std::shared_mutex> lock(map_mutex_);
    for (std::size_t k = 0; k < out.count_; ++k) {
        if (out.streams_[k]) continue;
        auto& slot = streams_[out.frames_[k].stream_id];
        if (!slot) {
            auto s = std::make_shared<StreamState>();
            s->engine = engine_->create();
            s->last_update.store(out.tick_, std::memory_order_relaxed);
            slot = std::move(s);
            lower_eviction_bound(out.tick_);
        }
        out.streams_[k] = slot;
    }
}

// Locks in ascending stream id order, so that concurrent batches cannot
// deadlock; false (nothing left locked) if a stream was removed meanwhile.
bool MultiStreamTracker::lock_batch(BatchResult& out) {
    for (std::size_t pos : out.lock_order_) {
        StreamState& s = *out.streams_[pos];
        s.mutex.lock();
        ++out.locked_;
        if (s.removed) {
            unlock_batch(out);
            return false;
        }
    }
    return true;
}

void MultiStreamTracker::unlock_batch(BatchResult& out) {
    for (std::size_t k = out.locked_; k > 0; --k) out.streams_[out.lock_order_[k - 1]]->mutex.unlock();
    out.locked_ = 0;
}

void MultiStreamTracker::retire(StreamState& stream) {
    stream.removed = true;
    stream.engine.reset();  // frees the tracker now, not when the last holder lets go
}

bool MultiStreamTracker::remove_stream(StreamId id) {
    std::shared_ptr<StreamState> s;
    {
        std::unique_lock<std::shared_mutex> lock(map_mutex_);
        auto it = streams_.find(id);
        if (it == streams_.end()) return false;
        s = std::move(it->second);
        streams_.erase(it);
    }
    // Waits for a call in progress on this stream; one that found the stream
    // before the erase but locks it after sees `removed` and starts afresh.
    std::lock_guard<std::mutex> lock(s->mutex);
    retire(*s);
    return true;
}

void MultiStreamTracker::reset() {
    StreamMap old;
    {
        std::unique_lock<std::shared_mutex> lock(map_mutex_);
        old.swap(streams_);
        updates_.store(0, std::memory_order_relaxed);
        evict_check_at_.store(UINT64_MAX, std::memory_order_relaxed);
        if (owns_ids_) ids_->reset();
    }
    for (auto& entry : old) {
        std::lock_guard<std::mutex> lock(entry.second->mutex);
        retire(*entry.second);
    }
}

bool MultiStreamTracker::contains(StreamId id) const { return find(id) != nullptr; }

std::size_t MultiStreamTracker::num_streams() const {
    std::shared_lock<std::shared_mutex> lock(map_mutex_);
    return streams_.size();
}

std::vector<StreamId> MultiStreamTracker::stream_ids() const {
    std::vector<StreamId> ids;
    {
        std::shared_lock<std::shared_mutex> lock(map_mutex_);
        ids.reserve(streams_.size());
        for (const auto& entry : streams_) ids.push_back(entry.first);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::size_t MultiStreamTracker::num_live_tracks() const {
    std::size_t total = 0;
    std::shared_lock<std::shared_mutex> lock(map_mutex_);
    for (const auto& entry : streams_) {
        std::lock_guard<std::mutex> stream_lock(entry.second->mutex);
        if (entry.second->engine) total += entry.second->engine->num_live_tracks();
    }
    return total;
}

std::size_t MultiStreamTracker::heap_bytes() const {
    std::size_t total = 0;
    std::shared_lock<std::shared_mutex> lock(map_mutex_);
    for (const auto& entry : streams_) {
        std::lock_guard<std::mutex> stream_lock(entry.second->mutex);
        total += sizeof(StreamState);
        if (entry.second->engine) total += entry.second->engine->heap_bytes();
    }
    return total;
}

std::int64_t MultiStreamTracker::stream_frame_id(StreamId id) const {
    auto s = find(id);
    if (!s) throw std::out_of_range("no stream " + std::to_string(id));
    std::lock_guard<std::mutex> lock(s->mutex);
    return s->engine ? s->engine->frame_id() : 0;
}

// ---------------------------------------------------------------- state

namespace {
constexpr const char* kMultiStreamName = "MultiStreamTracker";
}  // namespace

void MultiStreamTracker::save_state(StateWriter& w) const {
    std::shared_lock<std::shared_mutex> lock(map_mutex_);
    std::vector<std::pair<StreamId, StreamState*>> streams;
    streams.reserve(streams_.size());
    for (const auto& entry : streams_) streams.emplace_back(entry.first, entry.second.get());
    std::sort(streams.begin(), streams.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    // Ascending id order, as batches lock: no deadlock with a concurrent batch.
    std::vector<std::unique_lock<std::mutex>> held;
    held.reserve(streams.size());
    for (const auto& entry : streams) held.emplace_back(entry.second->mutex);

    w.header(kMultiStreamName);
    engine_->save_config(w);
    w.u32(static_cast<std::uint32_t>(pool_.threads()));
    w.u64(max_idle_);
    w.u64(updates_.load(std::memory_order_relaxed));
    w.i64(ids_->start());
    w.i64(ids_->peek());
    w.u64(streams.size());
    for (const auto& entry : streams) {
        w.u64(entry.first);
        w.u64(entry.second->last_update.load(std::memory_order_relaxed));
        entry.second->engine->save(w);
    }
}

std::unique_ptr<MultiStreamTracker> MultiStreamTracker::load_state(StateReader& r) {
    r.header(kMultiStreamName);
    std::shared_ptr<const EngineFactory> engine = read_engine_factory(r);
    const std::uint32_t threads = r.u32();
    if (threads < 1 || threads > static_cast<std::uint32_t>(kMaxThreads)) StateReader::fail("bad thread count");
    const std::uint64_t max_idle = r.u64();
    const std::uint64_t updates = r.u64();
    // The limits the constructor's callers enforce, so that no idle arithmetic can wrap.
    if (max_idle != kNoEviction && max_idle > static_cast<std::uint64_t>(INT64_MAX) - 1)
        StateReader::fail("bad max_idle_frames");
    if (updates > static_cast<std::uint64_t>(INT64_MAX)) StateReader::fail("bad update count");
    const std::int64_t id_start = r.i64();
    const std::int64_t id_next = r.i64();
    if (id_next < id_start) StateReader::fail("id counter position before its start");
    // Each stream: id, last update, and an engine state (a header at least).
    const std::size_t count = r.count(8 + 8 + 4 + 4 + 8);
    StreamMap streams;
    streams.reserve(count);
    StreamId previous = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const StreamId id = r.u64();
        if (k > 0 && id <= previous) StateReader::fail("stream ids not ascending");
        previous = id;
        const std::uint64_t last = r.u64();
        if (last > updates) StateReader::fail("stream updated after the context's last update");
        auto s = std::make_shared<StreamState>();
        s->engine = engine->load(r);
        s->last_update.store(last, std::memory_order_relaxed);
        streams.emplace(id, std::move(s));
    }

    auto ids = std::make_shared<IdCounter>(id_start);
    ids->set_next(id_next);
    auto ctx = std::make_unique<MultiStreamTracker>(std::move(engine), static_cast<int>(threads), max_idle,
                                                    std::move(ids));
    ctx->owns_ids_ = true;
    ctx->streams_ = std::move(streams);
    ctx->updates_.store(updates, std::memory_order_relaxed);
    // The exact next due update; the saved context's bound may have been lower,
    // which only makes it scan earlier, never evict differently.
    for (const auto& entry : ctx->streams_)
        ctx->lower_eviction_bound(entry.second->last_update.load(std::memory_order_relaxed));
    return ctx;
}

// ---------------------------------------------------------------- eviction

void MultiStreamTracker::lower_eviction_bound(std::uint64_t last_update) {
    if (max_idle_ == kNoEviction) return;
    const std::uint64_t due = last_update + max_idle_ + 1;
    std::uint64_t cur = evict_check_at_.load(std::memory_order_relaxed);
    while (due < cur && !evict_check_at_.compare_exchange_weak(cur, due, std::memory_order_relaxed)) {
    }
}

void MultiStreamTracker::maybe_evict() {
    if (max_idle_ == kNoEviction) return;
    if (updates_.load(std::memory_order_relaxed) < evict_check_at_.load(std::memory_order_relaxed)) return;
    std::unique_lock<std::shared_mutex> lock(map_mutex_);
    const std::uint64_t now = updates_.load(std::memory_order_relaxed);
    std::uint64_t next_due = UINT64_MAX;
    for (auto it = streams_.begin(); it != streams_.end();) {
        StreamState& s = *it->second;
        const std::uint64_t last = s.last_update.load(std::memory_order_relaxed);
        // A stream whose mutex is taken is being updated right now: not idle.
        if (now - std::min(last, now) > max_idle_ && s.mutex.try_lock()) {
            // Declared before the guard, so destroyed after it: erasing the map entry
            // must not free the mutex while the guard still has to unlock it.
            const std::shared_ptr<StreamState> keep_alive = it->second;
            std::lock_guard<std::mutex> stream_lock(s.mutex, std::adopt_lock);
            if (now - std::min(s.last_update.load(std::memory_order_relaxed), now) > max_idle_) {
                retire(s);
                it = streams_.erase(it);
                continue;
            }
        }
        next_due = std::min(next_due, s.last_update.load(std::memory_order_relaxed) + max_idle_ + 1);
        ++it;
    }
    evict_check_at_.store(next_due, std::memory_order_relaxed);
}

// ---------------------------------------------------------------- updates

void MultiStreamTracker::update(const StreamFrame& frame, std::vector<TrackOutput>& out) {
    validate(frame);
    const std::uint64_t tick = updates_.fetch_add(1, std::memory_order_relaxed) + 1;
    for (;;) {
        std::shared_ptr<StreamState> s = find_or_create(frame.stream_id, tick);
        std::lock_guard<std::mutex> lock(s->mutex);
        if (s->removed) continue;  // removed after we found it: look again (creates it afresh)
        TrackerEngine& engine = *s->engine;
        engine.update(frame.xyxy, frame.scores, frame.class_ids, frame.n, frame.dtypes);
        const std::size_t born = engine.new_id_count();
        const auto& result =
            engine.assign_new_ids(born ? ids_->take_block(static_cast<std::int64_t>(born)) : 0);
        out.assign(result.begin(), result.end());
        atomic_max(s->last_update, tick);
        break;
    }
    maybe_evict();
}

void MultiStreamTracker::update_batch(const StreamFrame* frames, std::size_t count, BatchResult& out) {
    begin_batch(frames, count, out);
    end_batch(out);
}

void MultiStreamTracker::begin_batch(const StreamFrame* frames, std::size_t count, BatchResult& out) {
    if (out.open_) throw std::logic_error("begin_batch: this BatchResult has a batch in progress");
    if (count > PoolJob::kMaxTasks) throw std::invalid_argument("a batch holds at most 2**32 - 1 streams");
    validate_on_pool(frames, count, out);
    out.lock_order_.resize(count);
    for (std::size_t k = 0; k < count; ++k) out.lock_order_[k] = k;
    std::sort(out.lock_order_.begin(), out.lock_order_.end(),
              [frames](std::size_t a, std::size_t b) { return frames[a].stream_id < frames[b].stream_id; });
    for (std::size_t k = 1; k < count; ++k) {
        if (frames[out.lock_order_[k]].stream_id == frames[out.lock_order_[k - 1]].stream_id)
            throw std::invalid_argument("stream " + std::to_string(frames[out.lock_order_[k]].stream_id) +
                                        " appears twice in the batch");
    }
    // Reserve everything before the first state change.
    out.streams_.resize(count);
    out.errors_.assign(count, nullptr);
    out.tracks_.clear();
    out.offsets_.clear();
    out.offsets_.reserve(count + 1);
    if (out.updated_capacity_ < count) {
        out.updated_.reset(new std::atomic<unsigned char>[count]);
        out.updated_capacity_ = count;
    }
    for (std::size_t k = 0; k < count; ++k) out.updated_[k].store(0, std::memory_order_relaxed);
    out.offsets_.push_back(0);
    out.frames_ = frames;
    out.count_ = count;
    out.tick_ = updates_.fetch_add(1, std::memory_order_relaxed) + 1;

    try {
        do {
            create_missing(out);
        } while (!lock_batch(out));
    } catch (...) {
        unlock_batch(out);
        for (auto& s : out.streams_) s.reset();
        throw;
    }
    out.open_ = true;

    // Independent streams: any thread may run any of them.
    out.job_.reset(count, [](void* ctx, std::size_t k) {
        BatchResult& b = *static_cast<BatchResult*>(ctx);
        try {
            const StreamFrame& f = b.frames_[k];
            b.streams_[k]->engine->update(f.xyxy, f.scores, f.class_ids, f.n, f.dtypes);
        } catch (...) {
            b.errors_[k] = std::current_exception();
        }
        b.updated_[k].store(1, std::memory_order_release);
    }, &out, threads());
    if (count > 1 && pool_.post(out.job_)) return;
    // No free workers: do it all now on this thread, finishing each frame right
    // after its update while its output is still in cache.
    while (out.size() < count) finish_next(out);
}

bool MultiStreamTracker::frame_updated(std::size_t k, const BatchResult& out) const {
    return k < out.count_ && out.updated_[k].load(std::memory_order_acquire) != 0;
}

// Numbers the new tracks of the next frame in batch order and appends its result.
void MultiStreamTracker::finish_next(BatchResult& out) {
    const std::size_t k = out.size();
    while (out.updated_[k].load(std::memory_order_acquire) == 0) {
        if (!out.job_.run_one()) std::this_thread::yield();  // help, or wait for the worker on it
    }
    StreamState& s = *out.streams_[k];
    if (!out.errors_[k]) {
        TrackerEngine& engine = *s.engine;
        const std::size_t born = engine.new_id_count();
        const auto& result =
            engine.assign_new_ids(born ? ids_->take_block(static_cast<std::int64_t>(born)) : 0);
        out.tracks_.insert(out.tracks_.end(), result.begin(), result.end());
    }
    out.offsets_.push_back(out.tracks_.size());
    atomic_max(s.last_update, out.tick_);
}

void MultiStreamTracker::finish_frame(std::size_t k, BatchResult& out) {
    if (!out.open_ || k >= out.count_) throw std::out_of_range("finish_frame: no such frame in the open batch");
    while (out.size() <= k) finish_next(out);
}

void MultiStreamTracker::finish_while_ready(BatchResult& out) {
    if (!out.open_) return;
    while (out.size() < out.count_) {
        const std::size_t k = out.size();
        if (out.updated_[k].load(std::memory_order_acquire) == 0 && !out.job_.unclaimed(k)) return;
        finish_next(out);
    }
}

void MultiStreamTracker::end_batch(BatchResult& out) {
    if (!out.open_) return;
    pool_.wait(out.job_);  // every update done, workers gone
    while (out.size() < out.count_) finish_next(out);
    unlock_batch(out);
    out.open_ = false;
    out.frames_ = nullptr;
    // Do not keep removed streams alive through the scratch buffer.
    for (auto& s : out.streams_) s.reset();
    maybe_evict();
    rethrow_first(out.errors_);
}

}  // namespace bytetrack
