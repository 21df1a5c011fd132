// The interface MultiStreamTracker drives: any tracker that turns one frame of
// detections into TrackOutput rows can serve as the per-stream engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/state_io.hpp"

namespace bytetrack {

// What the caller's arrays were, as flags. The compat engines' references
// compute in the arrays' NumPy dtypes (reference-spec 1.F), so the values alone
// (always given as doubles) do not decide their output; the bytetrack engine
// ignores these.
namespace input_dtype {
constexpr std::uint8_t kXyxyFloat32 = 1;     // xyxy is float32 (or float16)
constexpr std::uint8_t kScoresFloat32 = 2;   // scores are float32 or float16
constexpr std::uint8_t kScoresFloat16 = 4;   // scores are float16
constexpr std::uint8_t kStackedFloat32 = 8;  // np.result_type(xyxy, scores) is float32
}  // namespace input_dtype

// One tracker instance (one camera stream).
//
// Ids are given in two steps so that a batch of streams updated on several
// threads gets the same ids for any thread count: update() may give new tracks
// provisional ids, then the owner calls assign_new_ids(first) with a block of
// new_id_count() ids from the shared counter, and the engine renames its new
// tracks first, first + 1, ... in the order it created them. Blocks handed to
// one engine always increase, so an engine whose logic orders tracks by id sees
// the same order as with its own counter.
class TrackerEngine {
public:
    virtual ~TrackerEngine() = default;

    // One frame (same contract as BYTETracker::update; `dtypes` holds
    // input_dtype flags). Callers pass only input that their factory's
    // validate() accepted, so an engine may skip its own check. The result
    // stays valid until the next call on this engine.
    virtual const std::vector<TrackOutput>& update(const double* xyxy, const double* scores,
                                                   const std::int64_t* class_ids, std::size_t n,
                                                   std::uint8_t dtypes) = 0;
    // Ids the last update() created.
    virtual std::size_t new_id_count() const = 0;
    // Final ids for them; returns the refreshed output of the last update().
    virtual const std::vector<TrackOutput>& assign_new_ids(std::int64_t first_id) = 0;

    virtual std::int64_t frame_id() const = 0;
    virtual std::size_t num_live_tracks() const = 0;
    // Heap bytes held (an estimate: vector capacities, not allocator overhead).
    virtual std::size_t heap_bytes() const = 0;

    // Complete state (state save/restore); EngineFactory::load reads it back.
    virtual void save(StateWriter& w) const = 0;
};

// Makes engines of one kind and configuration, and checks their input.
class EngineFactory {
public:
    virtual ~EngineFactory() = default;
    virtual std::string name() const = 0;
    virtual std::unique_ptr<TrackerEngine> create() const = 0;
    // Checks one frame of detections exactly as the engine's update() would,
    // without any engine: lets callers reject a whole batch before touching any
    // state. Throws std::invalid_argument naming the argument.
    virtual void validate(const double* xyxy, const double* scores, const std::int64_t* class_ids,
                          std::size_t n) const = 0;
    // False if the engine's output uses -1 for "no id" (the compat engines):
    // then its ids must come from a counter that never hands out negative ids.
    virtual bool allows_negative_ids() const { return true; }

    // The factory's configuration (state save/restore); read_engine_factory reads it.
    virtual void save_config(StateWriter& w) const = 0;
    // An engine of this factory's configuration from what TrackerEngine::save
    // wrote; throws std::invalid_argument ("state: ...") on malformed data or a
    // state of another configuration.
    virtual std::unique_ptr<TrackerEngine> load(StateReader& r) const = 0;
};

// A factory from what EngineFactory::save_config wrote (any engine kind).
std::shared_ptr<const EngineFactory> read_engine_factory(StateReader& r);

// Engine "bytetrack": BYTETracker with any of its presets. (The compat engines
// "supervision" and "trackers" are in compat_engines.hpp.)
class ByteTrackEngineFactory : public EngineFactory {
public:
    explicit ByteTrackEngineFactory(const TrackerConfig& config);  // validates the config
    std::string name() const override { return "bytetrack"; }
    std::unique_ptr<TrackerEngine> create() const override;
    void validate(const double* xyxy, const double* scores, const std::int64_t* class_ids,
                  std::size_t n) const override;
    void save_config(StateWriter& w) const override;
    std::unique_ptr<TrackerEngine> load(StateReader& r) const override;
    const TrackerConfig& config() const { return config_; }

private:
    TrackerConfig config_;
};

}  // namespace bytetrack
