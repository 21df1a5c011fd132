// The compat trackers as MultiStreamTracker engines: "supervision"
// (sv.ByteTrack, supervision_byte_track.hpp) and "trackers" (roboflow trackers'
// ByteTrackTracker, trackers_tracker.hpp).
//
// Their output rows are input rows, as their references return them: the box,
// score and class of the row (det_index says which), with the row's tracker id.
// "supervision" reports the rows that got a track, in input order; "trackers"
// reports its rows in the reference's order, -1 for rows without an id yet.
//
// Ids: each engine's tracker numbers ids with a private counter that the engine
// keeps just past the last id it was given, so the ids an update creates are
// exactly those >= the counter's position before it. assign_new_ids() renames
// them into the block from the shared counter.
#pragma once

#include <memory>
#include <string>

#include "bytetrack/supervision_byte_track.hpp"
#include "bytetrack/tracker_engine.hpp"
#include "bytetrack/trackers_tracker.hpp"

namespace bytetrack {

// Engine "supervision". Set input_dtype::kStackedFloat32 when supervision would
// stack the frame's xyxy and confidence into a float32 array.
class SupervisionEngineFactory : public EngineFactory {
public:
    explicit SupervisionEngineFactory(const SupervisionConfig& config);  // validates the config
    std::string name() const override { return "supervision"; }
    std::unique_ptr<TrackerEngine> create() const override;
    void validate(const double* xyxy, const double* scores, const std::int64_t* class_ids,
                  std::size_t n) const override;
    bool allows_negative_ids() const override { return false; }
    void save_config(StateWriter& w) const override;  // after the name
    std::unique_ptr<TrackerEngine> load(StateReader& r) const override;
    const SupervisionConfig& config() const { return config_; }

private:
    SupervisionConfig config_;
};

// Engine "trackers", in fixed-frame-rate mode (no timestamps). Set
// kXyxyFloat32 / kScoresFloat32 / kScoresFloat16 from the caller's dtypes.
class TrackersEngineFactory : public EngineFactory {
public:
    explicit TrackersEngineFactory(const TrackersConfig& config);  // validates the config
    std::string name() const override { return "trackers"; }
    std::unique_ptr<TrackerEngine> create() const override;
    void validate(const double* xyxy, const double* scores, const std::int64_t* class_ids,
                  std::size_t n) const override;
    bool allows_negative_ids() const override { return false; }
    void save_config(StateWriter& w) const override;  // after the name
    std::unique_ptr<TrackerEngine> load(StateReader& r) const override;
    const TrackersConfig& config() const { return config_; }

private:
    TrackersConfig config_;
};

}  // namespace bytetrack
