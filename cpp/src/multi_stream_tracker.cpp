#include "bytetrack/multi_stream_tracker.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

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

// Unlocks the streams a batch has locked, also when an exception leaves early.
class BatchLocks {
public:
    BatchLocks(const std::vector<std::shared_ptr<StreamState>>& streams, const std::vector<std::size_t>& order)
        : streams_(streams), order_(order) {}
    ~BatchLocks() { release(); }
    // Locks in ascending stream id order (so concurrent batches cannot deadlock);
    // false if a stream turned out to be removed meanwhile (nothing stays locked).
    bool acquire() {
        for (std::size_t pos : order_) {
            StreamState& s = *streams_[pos];
            s.mutex.lock();
            ++locked_;
            if (s.removed) {
                release();
                return false;
            }
        }
        return true;
    }
    void release() {
        for (std::size_t k = locked_; k > 0; --k) streams_[order_[k - 1]]->mutex.unlock();
        locked_ = 0;
    }

private:
    const std::vector<std::shared_ptr<StreamState>>& streams_;
    const std::vector<std::size_t>& order_;
    std::size_t locked_ = 0;
};

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
}

MultiStreamTracker::~MultiStreamTracker() = default;

// ---------------------------------------------------------------- validation

void MultiStreamTracker::validate(const StreamFrame& f) const {
    if (f.n > 0 && (f.xyxy == nullptr || f.scores == nullptr))
        throw std::invalid_argument("xyxy and scores must not be null");
    engine_->validate(f.xyxy, f.scores, f.class_ids, f.n);
}

void MultiStreamTracker::validate_batch(const StreamFrame* frames, std::size_t count) const {
    for (std::size_t k = 0; k < count; ++k) {
        try {
            validate(frames[k]);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("stream " + std::to_string(frames[k].stream_id) + ": " + e.what());
        }
    }
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

void MultiStreamTracker::create_missing(const StreamFrame* frames, std::size_t count, BatchResult& out,
                                        std::uint64_t tick) {
    bool missing = false;
    {
        std::shared_lock<std::shared_mutex> lock(map_mutex_);
        for (std::size_t k = 0; k < count; ++k) {
            auto it = streams_.find(frames[k].stream_id);
            out.streams_[k] = it == streams_.end() ? nullptr : it->second;
            missing = missing || !out.streams_[k];
        }
    }
    if (!missing) return;
    std::unique_lock<std::shared_mutex> lock(map_mutex_);
    for (std::size_t k = 0; k < count; ++k) {
        if (out.streams_[k]) continue;
        auto& slot = streams_[frames[k].stream_id];
        if (!slot) {
            auto s = std::make_shared<StreamState>();
            s->engine = engine_->create();
            s->last_update.store(tick, std::memory_order_relaxed);
            slot = std::move(s);
            lower_eviction_bound(tick);
        }
        out.streams_[k] = slot;
    }
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
        engine.update(frame.xyxy, frame.scores, frame.class_ids, frame.n);
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
    validate_batch(frames, count);
    out.lock_order_.resize(count);
    for (std::size_t k = 0; k < count; ++k) out.lock_order_[k] = k;
    std::sort(out.lock_order_.begin(), out.lock_order_.end(),
              [frames](std::size_t a, std::size_t b) { return frames[a].stream_id < frames[b].stream_id; });
    for (std::size_t k = 1; k < count; ++k) {
        if (frames[out.lock_order_[k]].stream_id == frames[out.lock_order_[k - 1]].stream_id)
            throw std::invalid_argument("stream " + std::to_string(frames[out.lock_order_[k]].stream_id) +
                                        " appears twice in the batch");
    }

    const std::uint64_t tick = updates_.fetch_add(1, std::memory_order_relaxed) + 1;
    out.streams_.resize(count);
    out.errors_.assign(count, nullptr);
    {
        BatchLocks locks(out.streams_, out.lock_order_);
        do {
            create_missing(frames, count, out, tick);
        } while (!locks.acquire());

        // Independent streams: any thread may run any of them.
        auto task = [&](std::size_t k) {
            try {
                out.streams_[k]->engine->update(frames[k].xyxy, frames[k].scores, frames[k].class_ids,
                                                frames[k].n);
            } catch (...) {
                out.errors_[k] = std::current_exception();
            }
        };
        pool_.run(count, task);

        // Ids after all updates, in batch order: the same for any thread count.
        std::int64_t total = 0;
        for (std::size_t k = 0; k < count; ++k) {
            if (!out.errors_[k]) total += static_cast<std::int64_t>(out.streams_[k]->engine->new_id_count());
        }
        std::int64_t next_id = total ? ids_->take_block(total) : 0;
        out.tracks_.clear();
        out.offsets_.resize(count + 1);
        out.offsets_[0] = 0;
        for (std::size_t k = 0; k < count; ++k) {
            StreamState& s = *out.streams_[k];
            if (!out.errors_[k]) {
                const std::size_t born = s.engine->new_id_count();
                const auto& result = s.engine->assign_new_ids(next_id);
                next_id += static_cast<std::int64_t>(born);
                out.tracks_.insert(out.tracks_.end(), result.begin(), result.end());
            }
            out.offsets_[k + 1] = out.tracks_.size();
            atomic_max(s.last_update, tick);
        }
    }
    // Do not keep streams alive through the scratch buffer.
    for (auto& s : out.streams_) s.reset();
    for (std::size_t k = 0; k < count; ++k) {
        if (out.errors_[k]) {
            std::exception_ptr e = out.errors_[k];
            out.errors_.assign(count, nullptr);
            maybe_evict();
            std::rethrow_exception(e);
        }
    }
    maybe_evict();
}

}  // namespace bytetrack
