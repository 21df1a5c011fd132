// ByteTrack (Zhang et al., 2022): two-stage association of high- and low-score
// detections, reproducing the ifzhang reference trackers exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bytetrack/id_counter.hpp"
#include "bytetrack/lapjv.hpp"
#include "bytetrack/strack.hpp"

namespace bytetrack {

// Which reference the tracker reproduces.
enum class Preset {
    Ifzhang,         // yolox/tracker Python reference (default)
    IfzhangCpp,      // deploy/TensorRT|ncnn C++ tracker as of today
    IfzhangCpp2021,  // the same before 2022-03: boxes not refreshed after predict
};

Preset parse_preset(const std::string& name);  // throws std::invalid_argument
const char* preset_name(Preset preset);

struct TrackerConfig {
    double track_thresh = 0.5;
    int track_buffer = 30;
    double match_thresh = 0.8;
    double frame_rate = 30.0;
    bool mot20 = false;
    Preset preset = Preset::Ifzhang;

    // Throws std::invalid_argument naming the offending parameter.
    void validate() const;
};

// The behavioural switches a preset stands for (reference-spec section 6).
struct Semantics {
    bool fuse_score;                 // IoU x score in the first/unconfirmed association
    bool strict_split;               // high: s > t, low: floor < s < t; else high: s >= t
    double low_floor;                // lower bound of the low-score set (strict split)
    double det_thresh;               // minimum score for a new track
    double match_thresh;             // first association, distance limit
    double second_thresh;            // second association (low scores)
    double unconfirmed_thresh;       // association of unconfirmed tracks
    double duplicate_thresh;         // tracked/lost pairs closer than this are duplicates
    bool refresh_box_after_predict;  // false reproduces the pre-2022 C++ stale boxes
    bool lost_sorted_by_id;          // the C++ std::map keeps the lost list sorted
    int max_time_lost;               // frames a lost track may stay lost

    static Semantics from_config(const TrackerConfig& config);
};

struct TrackOutput {
    std::int64_t track_id;
    Box box;
    double score;
    std::int64_t class_id;
    std::int64_t det_index;
};

class BYTETracker {
public:
    explicit BYTETracker(const TrackerConfig& config = TrackerConfig(),
                         std::shared_ptr<IdCounter> ids = nullptr);

    // One frame. `xyxy` holds n rows (x1, y1, x2, y2), row-major; `scores` n
    // values; `class_ids` n values or nullptr. Throws std::invalid_argument
    // before touching any state if the input is invalid. Returns the confirmed
    // tracks of this frame in the reference's order; the reference stays valid
    // until the next call.
    const std::vector<TrackOutput>& update(const double* xyxy, const double* scores,
                                           const std::int64_t* class_ids, std::size_t n);

    // Forgets all tracks and restarts frame counting; an owned id counter restarts
    // too (a shared one is left alone: other trackers rely on it).
    void reset();

    std::int64_t frame_id() const { return frame_id_; }
    const TrackerConfig& config() const { return config_; }
    const Semantics& semantics() const { return sem_; }
    const std::shared_ptr<IdCounter>& id_counter() const { return ids_; }
    bool owns_id_counter() const { return owns_ids_; }

    // Live state, for inspection and state save/restore.
    const std::vector<STrack>& track_pool() const { return tracks_; }
    const std::vector<int>& tracked_slots() const { return tracked_; }
    const std::vector<int>& lost_slots() const { return lost_; }
    std::size_t num_live_tracks() const { return tracked_.size() + lost_.size(); }

    // Replaces the whole state (used by state restore); tracks are given in
    // tracked-list then lost-list order.
    void restore(std::int64_t frame_id, std::vector<STrack> tracked, std::vector<STrack> lost);
    // Replaces the id source (state restore); `owned` decides whether reset()
    // restarts it.
    void set_id_counter(std::shared_ptr<IdCounter> ids, bool owned);

    // Validation shared with other entry points; throws std::invalid_argument.
    static void validate_detections(const double* xyxy, const double* scores, std::size_t n);

private:
    void split_detections(const double* xyxy, const double* scores, const std::int64_t* class_ids,
                          std::size_t n);
    // Throws std::invalid_argument if an association would exceed the solver's size limit.
    void check_assignment_size() const;
    void predict(STrack& track) const;
    // Fills matches_, unmatched_rows_, unmatched_cols_ (each ascending).
    void associate(const std::vector<int>& slots, const std::vector<Detection>& dets, double thresh,
                   bool fuse);
    void apply_match(STrack& track, const Detection& det);
    int new_slot();
    void remove_duplicates();
    void release_unlisted();

    TrackerConfig config_;
    Semantics sem_;
    std::shared_ptr<IdCounter> ids_;
    bool owns_ids_;
    std::int64_t frame_id_ = 0;

    std::vector<STrack> tracks_;  // slot pool; lists below hold slot indices
    std::vector<int> free_slots_;
    std::vector<int> tracked_, lost_;

    // Per-frame scratch, kept to reuse its capacity (no allocation once warm).
    std::vector<Detection> high_, low_, remaining_;
    std::vector<int> pool_, unconfirmed_, r_tracked_, activated_, refind_, born_;
    std::vector<int> newly_lost_, newly_removed_, next_tracked_, next_lost_;
    std::vector<double> cost_;
    std::vector<int> row_sol_, col_sol_;
    std::vector<std::pair<int, int>> matches_;
    std::vector<int> unmatched_rows_, unmatched_cols_;
    std::vector<unsigned char> drop_tracked_, drop_lost_;
    std::vector<TrackOutput> output_;
    LapjvSolver lapjv_;
};

}  // namespace bytetrack
