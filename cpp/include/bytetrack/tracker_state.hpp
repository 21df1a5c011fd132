// Save and restore of a BYTETracker's complete state (used by pickle / deepcopy).
#pragma once

#include <memory>
#include <string>

#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/multi_stream_tracker.hpp"
#include "bytetrack/state_io.hpp"
#include "bytetrack/supervision_byte_track.hpp"
#include "bytetrack/trackers_tracker.hpp"

namespace bytetrack {

// Pieces shared by every engine's encoding.
void write_config(StateWriter& w, const TrackerConfig& c);
TrackerConfig read_config(StateReader& r);
void write_track(StateWriter& w, const STrack& t);
STrack read_track(StateReader& r);

// Everything update() depends on: configuration, frame counter, the tracked and
// lost lists in order (every track with its Kalman blocks, counters and stamps)
// and the id counter's start and next id.
void write_byte_tracker(StateWriter& w, const BYTETracker& tracker);
std::string save_state(const BYTETracker& tracker);

// Rebuilds a tracker. Without `ids` the tracker gets its own counter continuing at
// the saved position (also when the saved tracker shared one: sharing is a
// relation between live objects and cannot be pickled); with `ids`, that counter
// is used as it is. Throws std::invalid_argument ("state: ...") on a malformed or
// incompatible blob.
BYTETracker read_byte_tracker(StateReader& r, std::shared_ptr<IdCounter> ids = nullptr);
BYTETracker load_state(const std::string& blob, std::shared_ptr<IdCounter> ids = nullptr);

// sv.ByteTrack: its configuration, then the core tracker's state (as above).
void write_supervision_config(StateWriter& w, const SupervisionConfig& c);
SupervisionConfig read_supervision_config(StateReader& r);  // range checks only
void write_supervision_byte_track(StateWriter& w, const SupervisionByteTrack& tracker);
SupervisionByteTrack read_supervision_byte_track(StateReader& r);
std::string save_state(const SupervisionByteTrack& tracker);
SupervisionByteTrack load_supervision_state(const std::string& blob);

// trackers' ByteTrackTracker: its configuration, the next id, the 2.6.1 timestamp
// anchor, what the last update reported (skipped, timestamp outcome) and every
// track in list order with its Kalman state (8 positions/velocities, the shared
// 2x2 covariance block, the float32 flag of 2.2.0) and counters.
void write_trackers_config(StateWriter& w, const TrackersConfig& c);
TrackersConfig read_trackers_config(StateReader& r);  // range checks only
void write_trackers_byte_tracker(StateWriter& w, const TrackersByteTracker& tracker);
TrackersByteTracker read_trackers_byte_tracker(StateReader& r);
std::string save_state(const TrackersByteTracker& tracker);
TrackersByteTracker load_trackers_state(const std::string& blob);

// MultiStreamTracker (see MultiStreamTracker::save_state / load_state).
std::string save_state(const MultiStreamTracker& tracker);
std::unique_ptr<MultiStreamTracker> load_multi_stream_state(const std::string& blob);

}  // namespace bytetrack
