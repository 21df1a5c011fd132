// The tracker of roboflow `trackers` (ByteTrackTracker, versions 2.2.0 and 2.6.1).
//
// It is not the published ByteTrack: a SORT-style tracker with one flat track list,
// an xyxy Kalman filter with fixed noise (xyxy_kalman.hpp), two IoU associations
// solved by scipy's linear_sum_assignment (maximising IoU, pairs kept if
// IoU >= minimum_iou_threshold), and ids given only when a track matures. Output
// rows are input rows: step-1 matches, step-2 matches, unmatched low-confidence
// rows, then unmatched high-confidence rows (2.2.0 drops those that do not start a
// track). See reference-spec section 1.D.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bytetrack/box.hpp"
#include "bytetrack/linear_sum_assignment.hpp"
#include "bytetrack/xyxy_kalman.hpp"

namespace bytetrack {

enum class TrackersVersion { V2_2_0, V2_6_1 };

TrackersVersion parse_trackers_version(const std::string& name);  // throws std::invalid_argument
const char* trackers_version_name(TrackersVersion version);

struct TrackersConfig {
    int lost_track_buffer = 30;
    double frame_rate = 30.0;
    double track_activation_threshold = 0.7;
    int minimum_consecutive_frames = 2;
    double minimum_iou_threshold = 0.1;
    double high_conf_det_threshold = 0.6;
    TrackersVersion version = TrackersVersion::V2_6_1;
    // Throws std::invalid_argument naming the offending parameter.
    void validate() const;
};

// One frame's detections as the reference sees them. Values are doubles; the
// flags say whether the caller's arrays were float32, because the reference
// compares and computes in the array's dtype (NumPy 2 rules, spec 1.F).
struct TrackersFrame {
    const double* xyxy = nullptr;        // n rows (x1, y1, x2, y2), row-major
    bool xyxy_float32 = true;
    const double* confidence = nullptr;  // n values, or nullptr (sv.Detections.confidence is None)
    bool confidence_float32 = false;
    bool confidence_float16 = false;  // NumPy compares a float16 array in float16
    std::size_t n = 0;
};

// What the timestamp of a 2.6.1 update did (the reference warns on the last three).
enum class TimestampOutcome { None, Bootstrap, Advanced, Duplicate, Backwards, NonFinite };

struct TrackersTrack {
    XyxyKalmanState kf;
    std::int64_t tracker_id = -1;
    // 2.2.0: number_of_successful_updates; 2.6.1: ..._consecutive_updates.
    std::int64_t updates = 1;
    std::int64_t time_since_update = 0;
    double seconds_since_update = 0.0;  // 2.6.1 timestamp mode
};

class TrackersByteTracker {
public:
    explicit TrackersByteTracker(const TrackersConfig& config = TrackersConfig());

    // Validates the frame (finite boxes and confidences) and throws
    // std::invalid_argument before any state changes.
    static void validate(const TrackersFrame& frame);

    // One update. `timestamp` (2.6.1 only; nullptr = fixed-rate mode) is the
    // frame's capture time in seconds. Returns the number of output rows; their
    // input row and tracker id (-1 = not confirmed) are in rows() / ids(), in the
    // reference's output order.
    std::size_t update(const TrackersFrame& frame, const double* timestamp = nullptr);

    const std::vector<std::int64_t>& rows() const { return rows_; }
    const std::vector<std::int64_t>& ids() const { return ids_; }
    // 2.6.1: the update was skipped (non-finite or backwards timestamp): nothing
    // changed and every input row is reported with id -1, in input order.
    bool skipped() const { return skipped_; }
    TimestampOutcome timestamp_outcome() const { return timestamp_outcome_; }
    // The timestamp anchor of 2.6.1's timestamp mode; false when there is none.
    bool last_timestamp(double& out) const {
        out = last_timestamp_;
        return has_last_timestamp_;
    }

    // Clears the tracks, the timestamp anchor and restarts ids at 0.
    void reset();

    // Renames the ids the last update gave: an id i >= base becomes
    // first + (i - base), in the track list and in ids(), and numbering goes on
    // after them. `base` must be next_id() as it was before that update, and
    // every older id must be below it (MultiStreamTracker numbers new ids from
    // its shared counter this way, see compat_engines.hpp).
    void renumber_ids_from(std::int64_t base, std::int64_t first);

    const TrackersConfig& config() const { return config_; }
    int maximum_frames_without_update() const { return max_frames_; }
    double maximum_time_without_update() const { return max_seconds_; }
    const std::vector<TrackersTrack>& tracks() const { return tracks_; }
    std::int64_t next_id() const { return next_id_; }

    // Replaces the whole state (state restore): the tracks in list order, the
    // next id, the timestamp anchor and what the last update reported.
    void restore(std::vector<TrackersTrack> tracks, std::int64_t next_id, bool has_last_timestamp,
                 double last_timestamp, bool skipped, TimestampOutcome outcome);

private:
    struct Timing {
        double step = 1.0;   // Kalman step in frames; <= 0 skips the predict
        bool timed = false;  // seconds are known (timestamp mode)
        double seconds = 0.0;
        bool skip = false;
    };
    Timing timing_for(const double* timestamp);
    void predict_all(const Timing& timing);
    bool within_budget(const TrackersTrack& t, bool timed) const;
    // IoU between tracks_[track_slots[r]] and detection rows det_rows[c], solved
    // and thresholded; fills matched_ (pairs r, c in ascending r) and the
    // unmatched flags.
    void associate(const std::vector<int>& track_slots, const std::vector<int>& det_rows);
    void spawn(std::size_t row);
    void prune(bool timed);
    void update_track(TrackersTrack& t, std::size_t row);
    Box det_box(int row) const {
        const double* d = frame_.xyxy + 4 * static_cast<std::size_t>(row);
        return Box{d[0], d[1], d[2], d[3]};
    }
    void emit(std::int64_t row, std::int64_t id) {
        rows_.push_back(row);
        ids_.push_back(id);
    }

    TrackersConfig config_;
    int max_frames_;
    double max_seconds_;
    float min_iou_f32_;
    std::vector<TrackersTrack> tracks_;
    std::int64_t next_id_ = 0;
    bool has_last_timestamp_ = false;
    double last_timestamp_ = 0.0;

    // Current frame (valid during update only).
    TrackersFrame frame_;
    // Per-frame scratch, reused (no allocation once warm).
    std::vector<int> high_, low_, unmatched_high_, all_slots_, remaining_slots_;
    std::vector<float> iou_;
    std::vector<double> track_area_, det_area_;
    std::vector<double> cost_;
    std::vector<int> row_ind_, col_ind_;
    std::vector<std::pair<int, int>> matched_;
    std::vector<unsigned char> track_matched_, det_matched_;
    std::vector<std::int64_t> rows_, ids_;
    bool skipped_ = false;
    TimestampOutcome timestamp_outcome_ = TimestampOutcome::None;
    LinearSumAssignment lsa_;
};

}  // namespace bytetrack
