// One tracked object (a "single target track") and its life-cycle state.
#pragma once

#include <cstdint>

#include "bytetrack/box.hpp"
#include "bytetrack/kalman_filter.hpp"

namespace bytetrack {

enum class TrackState : std::int32_t { New = 0, Tracked = 1, Lost = 2, Removed = 3 };

// A detection as the tracker consumes it. tlwh is derived from the corner box and
// `box` is rebuilt from tlwh, as the references do (x1 + (x2 - x1) may differ from
// x2 in the last bit, and that box is the one their IoU sees).
struct Detection {
    // Left uninitialised: every producer sets all fields, and zeroing first
    // cost a `rep stos` per detection.
    Detection() {}

    double tlwh[4];
    Box box;
    double score;
    std::int64_t class_id;
    std::int64_t index;  // row in the caller's input
};

// Fills `d` in place: building a Detection on the stack and copying it into a
// vector made the copy's wide loads wait on narrower stores still in flight
// (a store-forwarding stall on every detection).
inline void set_detection(Detection& d, double x1, double y1, double x2, double y2, double score,
                          std::int64_t class_id, std::int64_t index) {
    d.tlwh[0] = x1;
    d.tlwh[1] = y1;
    d.tlwh[2] = x2 - x1;
    d.tlwh[3] = y2 - y1;
    d.box = Box{d.tlwh[0], d.tlwh[1], d.tlwh[2] + d.tlwh[0], d.tlwh[3] + d.tlwh[1]};
    d.score = score;
    d.class_id = class_id;
    d.index = index;
}

inline Detection make_detection(double x1, double y1, double x2, double y2, double score,
                                std::int64_t class_id, std::int64_t index) {
    Detection d;
    set_detection(d, x1, y1, x2, y2, score, class_id, index);
    return d;
}

// (x, y, w, h) -> (cx, cy, w / h, h), in the references' operation order.
inline void tlwh_to_xyah(const double tlwh[4], double xyah[4]) {
    xyah[0] = tlwh[0] + tlwh[2] / 2.0;
    xyah[1] = tlwh[1] + tlwh[3] / 2.0;
    xyah[2] = tlwh[2] / tlwh[3];
    xyah[3] = tlwh[3];
}

// Corner box from a Kalman mean (cx, cy, a, h, ...).
inline Box box_from_mean(const double mean[8]) {
    const double w = mean[2] * mean[3];
    const double h = mean[3];
    const double x = mean[0] - w / 2.0;
    const double y = mean[1] - h / 2.0;
    return Box{x, y, w + x, h + y};
}

struct STrack {
    KalmanState kf;
    Box box;  // box used for association; refreshed per the tracker's preset
    std::int64_t track_id = 0;
    std::int64_t class_id = -1;   // class of the detection that last updated it
    std::int64_t det_index = -1;  // input row that last updated it
    double score = 0.0;
    std::int64_t frame_id = 0;      // last frame it was updated ("end_frame")
    std::int64_t start_frame = 0;
    std::int64_t tracklet_len = 0;
    // Frame in which the track was marked Removed (0 = never); stands in for the
    // references' removed_stracks list, see BYTETracker::update.
    std::int64_t removed_frame = 0;
    std::int64_t listed_frame = 0;  // last frame it was kept in a track list
    TrackState state = TrackState::New;
    bool is_activated = false;
    // supervision: the mean is still the float32 array of the birth detection
    // (never predicted or updated), so NumPy computes its box in float32.
    bool mean_f32 = false;

    void refresh_box() { box = box_from_mean(kf.mean); }
};

}  // namespace bytetrack
