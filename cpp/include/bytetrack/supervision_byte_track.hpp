// supervision's sv.ByteTrack (0.27.0.post1 and 0.30.x) on top of the core
// tracker: the tracking itself is BYTETracker with a supervision preset; this
// adds supervision's output step, which re-assigns the frame's input rows to the
// reported tracks by IoU (reference-spec 1.C.3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/linear_sum_assignment.hpp"

namespace bytetrack {

enum class SupervisionVersion { V0_27_0_post1, V0_30_9 };

// "0.27.0.post1" or "0.30.9"; throws std::invalid_argument otherwise.
SupervisionVersion parse_supervision_version(const std::string& name);
const char* supervision_version_name(SupervisionVersion version);

struct SupervisionConfig {
    double track_activation_threshold = 0.25;
    int lost_track_buffer = 30;
    double minimum_matching_threshold = 0.8;
    double frame_rate = 30.0;
    int minimum_consecutive_frames = 1;
    SupervisionVersion version = SupervisionVersion::V0_30_9;
};

class SupervisionByteTrack {
public:
    explicit SupervisionByteTrack(const SupervisionConfig& config = SupervisionConfig());

    // One frame of n rows: xyxy (n x 4) and confidence (n), widened to double;
    // `float32_input` says the stacked NumPy array supervision builds from them
    // would be float32. Writes each row's tracker id (-1: row not reported) to
    // tracker_ids[0..n). Returns the number of tracks the tracker reported; 0
    // means supervision returns Detections.empty() (and tracker_ids is all -1).
    // Invalid input throws std::invalid_argument before any state changes.
    std::size_t update(const double* xyxy, const double* confidence, std::size_t n, bool float32_input,
                       std::int64_t* tracker_ids);

    // Clears all tracks, the frame counter and the id counter.
    void reset() { tracker_.reset(); }

    const SupervisionConfig& config() const { return config_; }
    const BYTETracker& tracker() const { return tracker_; }
    // State restore (tracker_state.hpp): the core tracker of a saved instance.
    BYTETracker& mutable_tracker() { return tracker_; }

private:
    static TrackerConfig core_config(const SupervisionConfig& config);

    SupervisionConfig config_;
    BYTETracker tracker_;
    LinearSumAssignment lsa_;
    std::vector<double> cost_, track_area_;
    std::vector<int> rows_, cols_;
};

}  // namespace bytetrack
