#include "bytetrack/tracker_engine.hpp"

#include <utility>

#include "bytetrack/compat_engines.hpp"
#include "bytetrack/tracker_state.hpp"

namespace bytetrack {

namespace {

// A BYTETracker with a private counter: the ids it takes are provisional and
// are replaced by assign_new_ids() before anyone sees them.
class ByteTrackEngine final : public TrackerEngine {
public:
    explicit ByteTrackEngine(const TrackerConfig& config) : tracker_(config) {}
    explicit ByteTrackEngine(BYTETracker tracker) : tracker_(std::move(tracker)) {}

    const std::vector<TrackOutput>& update(const double* xyxy, const double* scores,
                                           const std::int64_t* class_ids, std::size_t n,
                                           std::uint8_t /*dtypes*/) override {
        return tracker_.update_validated(xyxy, scores, class_ids, n, false);
    }
    std::size_t new_id_count() const override { return tracker_.num_new_ids(); }
    const std::vector<TrackOutput>& assign_new_ids(std::int64_t first_id) override {
        return tracker_.renumber_new_ids(first_id);
    }
    std::int64_t frame_id() const override { return tracker_.frame_id(); }
    std::size_t num_live_tracks() const override { return tracker_.num_live_tracks(); }
    std::size_t heap_bytes() const override { return sizeof(*this) + tracker_.heap_bytes(); }
    // The tracker with its private counter: the provisional ids it hands out
    // next depend on that counter's position, so it is saved too.
    void save(StateWriter& w) const override { write_byte_tracker(w, tracker_); }

private:
    BYTETracker tracker_;
};

}  // namespace

ByteTrackEngineFactory::ByteTrackEngineFactory(const TrackerConfig& config) : config_(config) {
    config_.validate();
}

std::unique_ptr<TrackerEngine> ByteTrackEngineFactory::create() const {
    return std::make_unique<ByteTrackEngine>(config_);
}

void ByteTrackEngineFactory::validate(const double* xyxy, const double* scores, const std::int64_t*,
                                      std::size_t n) const {
    BYTETracker::validate_detections(xyxy, scores, n);
}

void ByteTrackEngineFactory::save_config(StateWriter& w) const {
    w.str(name());
    write_config(w, config_);
}

std::unique_ptr<TrackerEngine> ByteTrackEngineFactory::load(StateReader& r) const {
    BYTETracker tracker = read_byte_tracker(r);
    if (!same_encoding(config_, tracker.config(), write_config)) StateReader::fail("a stream's tracker does not match the engine configuration");
    return std::make_unique<ByteTrackEngine>(std::move(tracker));
}

std::shared_ptr<const EngineFactory> read_engine_factory(StateReader& r) {
    const std::string name = r.str();
    if (name == "bytetrack") return std::make_shared<ByteTrackEngineFactory>(read_config(r));
    if (name == "supervision") return std::make_shared<SupervisionEngineFactory>(read_supervision_config(r));
    if (name == "trackers") return std::make_shared<TrackersEngineFactory>(read_trackers_config(r));
    StateReader::fail("unknown engine '" + name + "'");
}

}  // namespace bytetrack
