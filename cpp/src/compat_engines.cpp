#include "bytetrack/compat_engines.hpp"

#include <utility>
#include <vector>

#include "bytetrack/tracker_state.hpp"

namespace bytetrack {

namespace {

TrackOutput input_row(const double* xyxy, const double* scores, const std::int64_t* class_ids, std::size_t row,
                      std::int64_t id) {
    const double* b = xyxy + 4 * row;
    TrackOutput out;
    out.track_id = id;
    out.box = Box{b[0], b[1], b[2], b[3]};
    out.score = scores[row];
    out.class_id = class_ids ? class_ids[row] : -1;
    out.det_index = static_cast<std::int64_t>(row);
    return out;
}

// Renames the ids an update created (those >= base, see compat_engines.hpp).
void rename_output(std::vector<TrackOutput>& rows, std::int64_t base, std::int64_t first) {
    for (TrackOutput& row : rows) {
        if (row.track_id >= base) row.track_id = first + (row.track_id - base);
    }
}

class SupervisionEngine final : public TrackerEngine {
public:
    explicit SupervisionEngine(const SupervisionConfig& config) : tracker_(config) {}
    explicit SupervisionEngine(SupervisionByteTrack tracker) : tracker_(std::move(tracker)) {}

    const std::vector<TrackOutput>& update(const double* xyxy, const double* scores,
                                           const std::int64_t* class_ids, std::size_t n,
                                           std::uint8_t dtypes) override {
        base_ = counter().peek();
        row_ids_.resize(n);
        tracker_.update(xyxy, scores, n, (dtypes & input_dtype::kStackedFloat32) != 0, row_ids_.data());
        output_.clear();
        for (std::size_t i = 0; i < n; ++i) {
            if (row_ids_[i] != -1) output_.push_back(input_row(xyxy, scores, class_ids, i, row_ids_[i]));
        }
        return output_;
    }
    std::size_t new_id_count() const override { return tracker_.tracker().num_new_ids(); }
    const std::vector<TrackOutput>& assign_new_ids(std::int64_t first_id) override {
        const std::size_t count = new_id_count();
        if (count == 0) return output_;
        tracker_.mutable_tracker().renumber_new_ids(first_id);
        rename_output(output_, base_, first_id);
        counter().set_next(first_id + static_cast<std::int64_t>(count));
        return output_;
    }
    std::int64_t frame_id() const override { return tracker_.tracker().frame_id(); }
    std::size_t num_live_tracks() const override { return tracker_.tracker().num_live_tracks(); }
    std::size_t heap_bytes() const override {
        return sizeof(*this) + tracker_.tracker().heap_bytes() + row_ids_.capacity() * sizeof(std::int64_t) +
               output_.capacity() * sizeof(TrackOutput);
    }
    void save(StateWriter& w) const override { write_supervision_byte_track(w, tracker_); }

private:
    // The core tracker's own counter, private to this engine.
    IdCounter& counter() const { return *tracker_.tracker().id_counter(); }

    SupervisionByteTrack tracker_;
    std::int64_t base_ = 0;
    std::vector<std::int64_t> row_ids_;
    std::vector<TrackOutput> output_;
};

class TrackersEngine final : public TrackerEngine {
public:
    explicit TrackersEngine(const TrackersConfig& config) : tracker_(config) {}
    explicit TrackersEngine(TrackersByteTracker tracker) : tracker_(std::move(tracker)) {}

    const std::vector<TrackOutput>& update(const double* xyxy, const double* scores,
                                           const std::int64_t* class_ids, std::size_t n,
                                           std::uint8_t dtypes) override {
        TrackersFrame frame;
        frame.xyxy = xyxy;
        frame.xyxy_float32 = (dtypes & input_dtype::kXyxyFloat32) != 0;
        frame.confidence = scores;
        frame.confidence_float32 = (dtypes & input_dtype::kScoresFloat32) != 0;
        frame.confidence_float16 = (dtypes & input_dtype::kScoresFloat16) != 0;
        frame.n = n;
        base_ = tracker_.next_id();
        const std::size_t m = tracker_.update(frame, nullptr);
        ++frames_;
        output_.clear();
        for (std::size_t k = 0; k < m; ++k) {
            output_.push_back(input_row(xyxy, scores, class_ids, static_cast<std::size_t>(tracker_.rows()[k]),
                                        tracker_.ids()[k]));
        }
        return output_;
    }
    std::size_t new_id_count() const override { return static_cast<std::size_t>(tracker_.next_id() - base_); }
    const std::vector<TrackOutput>& assign_new_ids(std::int64_t first_id) override {
        if (new_id_count() == 0) return output_;
        tracker_.renumber_ids_from(base_, first_id);
        rename_output(output_, base_, first_id);
        return output_;
    }
    std::int64_t frame_id() const override { return frames_; }
    std::size_t num_live_tracks() const override { return tracker_.tracks().size(); }
    std::size_t heap_bytes() const override {
        return sizeof(*this) + tracker_.tracks().capacity() * sizeof(TrackersTrack) +
               output_.capacity() * sizeof(TrackOutput);
    }
    void save(StateWriter& w) const override {
        w.i64(frames_);
        write_trackers_byte_tracker(w, tracker_);
    }
    void set_frames(std::int64_t frames) { frames_ = frames; }

private:
    TrackersByteTracker tracker_;
    std::int64_t base_ = 0;
    std::int64_t frames_ = 0;  // the reference keeps no frame count; the context reports one
    std::vector<TrackOutput> output_;
};

}  // namespace

// ---------------------------------------------------------------- "supervision"

SupervisionEngineFactory::SupervisionEngineFactory(const SupervisionConfig& config) : config_(config) {
    SupervisionByteTrack check(config_);  // the core tracker validates the configuration
}

std::unique_ptr<TrackerEngine> SupervisionEngineFactory::create() const {
    return std::make_unique<SupervisionEngine>(config_);
}

void SupervisionEngineFactory::validate(const double* xyxy, const double* scores, const std::int64_t*,
                                        std::size_t n) const {
    // 0.30.9 drops rows it cannot track (as supervision does); 0.27 cannot, so
    // they are refused (supervision_compat.py documents both).
    if (config_.version == SupervisionVersion::V0_30_9)
        BYTETracker::validate_coordinate_range(xyxy, n);
    else
        BYTETracker::validate_detections(xyxy, scores, n);
}

void SupervisionEngineFactory::save_config(StateWriter& w) const {
    w.str(name());
    write_supervision_config(w, config_);
}

std::unique_ptr<TrackerEngine> SupervisionEngineFactory::load(StateReader& r) const {
    SupervisionByteTrack tracker = read_supervision_byte_track(r);
    if (!same_encoding(config_, tracker.config(), write_supervision_config)) StateReader::fail("a stream's tracker does not match the engine configuration");
    return std::make_unique<SupervisionEngine>(std::move(tracker));
}

// ---------------------------------------------------------------- "trackers"

TrackersEngineFactory::TrackersEngineFactory(const TrackersConfig& config) : config_(config) { config_.validate(); }

std::unique_ptr<TrackerEngine> TrackersEngineFactory::create() const {
    return std::make_unique<TrackersEngine>(config_);
}

void TrackersEngineFactory::validate(const double* xyxy, const double* scores, const std::int64_t*,
                                     std::size_t n) const {
    TrackersFrame frame;
    frame.xyxy = xyxy;
    frame.confidence = scores;
    frame.n = n;
    TrackersByteTracker::validate(frame);
}

void TrackersEngineFactory::save_config(StateWriter& w) const {
    w.str(name());
    write_trackers_config(w, config_);
}

std::unique_ptr<TrackerEngine> TrackersEngineFactory::load(StateReader& r) const {
    const std::int64_t frames = r.i64();
    if (frames < 0) StateReader::fail("negative frame count");
    TrackersByteTracker tracker = read_trackers_byte_tracker(r);
    if (!same_encoding(config_, tracker.config(), write_trackers_config)) StateReader::fail("a stream's tracker does not match the engine configuration");
    auto engine = std::make_unique<TrackersEngine>(std::move(tracker));
    engine->set_frames(frames);
    return engine;
}

}  // namespace bytetrack
