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
#include "bytetrack/association.hpp"
#include "bytetrack/lapjv.hpp"
#include "bytetrack/linear_sum_assignment.hpp"
#include "bytetrack/strack.hpp"

namespace bytetrack {

// Which reference the tracker reproduces.
enum class Preset {
    Ifzhang,         // yolox/tracker Python reference (default)
    IfzhangCpp,      // deploy/TensorRT|ncnn C++ tracker as of today
    IfzhangCpp2021,  // the same before 2022-03: boxes not refreshed after predict
    Supervision027,  // supervision 0.27.0.post1 sv.ByteTrack (tracking core only)
    Supervision030,  // supervision 0.30.x sv.ByteTrack (tracking core only)
};

// The ifzhang presets by name; throws std::invalid_argument. The supervision
// presets are selected through SupervisionByteTrack, which adds their output step.
Preset parse_preset(const std::string& name);
const char* preset_name(Preset preset);

struct TrackerConfig {
    double track_thresh = 0.5;
    int track_buffer = 30;
    double match_thresh = 0.8;
    double frame_rate = 30.0;
    bool mot20 = false;
    Preset preset = Preset::Ifzhang;
    int min_consecutive_frames = 1;  // supervision presets only

    // Throws std::invalid_argument naming the offending parameter.
    void validate() const;
};

// How association distances are computed.
enum class IouRule {
    PlusOne,         // cython_bbox "+1 pixel" IoU in float64 (ifzhang)
    Supervision027,  // sv 0.27 box_iou_batch: float32 intersection, areas in each side's dtype
    Supervision030,  // sv 0.30 box_iou_batch on float32 corners, float64 arithmetic
};

// The solver and its cost-limit convention.
enum class AssignmentRule {
    Lapjv,         // lap.lapjv(extend_cost=True, cost_limit=t): global optimum under the limit
    ScipyClamped,  // costs > t set to t + 1e-4, scipy linear_sum_assignment, keep cost <= t
};

// When a track gets its reported id and starts being reported.
enum class IdRule {
    AtBirth,         // ifzhang: id at birth, reported once matched again (frame 1: at once)
    Supervision027,  // id at birth iff min_consecutive == 1, else when tracklet_len == min
    Supervision030,  // tracklet starts at 1; id when tracklet_len >= min (frame 1: if min <= 1)
};

// The behavioural switches a preset stands for (reference-spec section 6).
// Value-initialised, every switch below the ifzhang ones is off (ifzhang rule).
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
    // supervision (sv.ByteTrack) switches.
    bool thresholds_follow_input;    // compare in float32 when the input is float32 (NumPy 2)
    bool high_inclusive;             // high set: s >= t (with thresholds_follow_input)
    IouRule iou;
    AssignmentRule assignment;
    bool float32_detections;         // detection tlwh / xyah / new-track noise in float32
    bool cpython_set_order;          // unmatched indices in CPython set iteration order
    bool removed_previous_frame_only;  // lost list filtered by last frame's removals only
    bool drop_invalid_rows;          // skip non-finite / empty boxes instead of raising
    IdRule id_rule;
    int min_consecutive;

    static Semantics from_config(const TrackerConfig& config);
};

struct TrackOutput {
    std::int64_t track_id;  // -1: reported by supervision 0.27 before it has an id
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
    // Same; `float32_input` says the caller's arrays were float32 (the values are
    // given widened to double), which decides the comparison precision of the
    // supervision presets (NumPy 2 compares float32 data with float32 thresholds).
    const std::vector<TrackOutput>& update(const double* xyxy, const double* scores,
                                           const std::int64_t* class_ids, std::size_t n,
                                           bool float32_input);
    // update() without the input check, for input that already passed
    // validate_detections() (which implies every preset's own check):
    // MultiStreamTracker checks a whole batch before it changes any stream.
    const std::vector<TrackOutput>& update_validated(const double* xyxy, const double* scores,
                                                     const std::int64_t* class_ids, std::size_t n,
                                                     bool float32_input);

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

    // Tracks that took an id in the last update(), in the order they took it:
    // at birth for the ifzhang presets, at confirmation (or birth) for the
    // supervision presets.
    std::size_t num_new_ids() const { return new_ids_.size(); }
    // Gives those tracks the ids first_id, first_id + 1, ... in that order,
    // replacing the ids they took, and refreshes the output. Used by callers
    // that number ids after the fact (MultiStreamTracker numbers a whole batch
    // of streams deterministically once they have all been updated). Safe
    // because nothing within a frame compares the new ids; the new ids must
    // exceed every id this tracker gave out before, since the C++ presets keep
    // the lost list sorted by id.
    const std::vector<TrackOutput>& renumber_new_ids(std::int64_t first_id);

    // Bytes this tracker holds on the heap (track pool and reused buffers).
    std::size_t heap_bytes() const;

    // Replaces the whole state (used by state restore); tracks are given in
    // tracked-list then lost-list order.
    void restore(std::int64_t frame_id, std::vector<STrack> tracked, std::vector<STrack> lost);
    // Replaces the id source (state restore); `owned` decides whether reset()
    // restarts it.
    void set_id_counter(std::shared_ptr<IdCounter> ids, bool owned);

    // Association path (default Auto); Dense reproduces the plain dense lapjv
    // and exists for tests and benchmarks: the results are identical.
    void set_association_mode(SparseAssignment::Mode mode) { assignment_.set_mode(mode); }
    const SparseAssignment::Stats& association_stats() const { return assignment_.stats(); }
    // Slot-pool compaction (see compact_slots): every `every` frames (0 = never)
    // once the pool holds `min_tracks` slots. Output never depends on it.
    void set_slot_compaction(std::int64_t every, std::size_t min_tracks) {
        compact_every_ = every;
        compact_min_tracks_ = min_tracks;
    }

    // Validation shared with other entry points; throws std::invalid_argument.
    static void validate_detections(const double* xyxy, const double* scores, std::size_t n);
    // Only rejects finite coordinates beyond +-1e15 (supervision 0.30 drops the
    // other invalid rows itself).
    static void validate_coordinate_range(const double* xyxy, std::size_t n);

private:
    void split_detections(const double* xyxy, const double* scores, const std::int64_t* class_ids,
                          std::size_t n);
    // Throws std::invalid_argument if an association would exceed the solver's size limit.
    void check_assignment_size() const;
    void split_detections_supervision(const double* xyxy, const double* scores, std::size_t n);
    Detection detection_from_row(const double* b, double score, std::int64_t class_id, std::int64_t index) const;
    void measurement(const Detection& det, double xyah[4]) const;
    void refresh_box(STrack& track) const;
    void predict(STrack& track, bool f32_noise = false) const;
    bool all_float32(const std::vector<int>& slots) const;
    // A box as the preset's IoU sees it (supervision 0.30 rounds corners to
    // float32), with its area computed once per matrix instead of once per pair.
    struct CostBox {
        Box box;
        double area;
    };
    CostBox cost_box(const Box& b, bool f32_array) const;
    // Association distance between row box a and column box b; `*_f32`: the
    // whole row/column array is float32 (supervision 0.27 numerics).
    double pair_cost(const CostBox& a, bool a_f32, const CostBox& b, bool b_f32) const;
    // Fills matches_, unmatched_rows_, unmatched_cols_ (each ascending).
    void associate(const std::vector<int>& slots, const std::vector<Detection>& dets, double thresh,
                   bool fuse);
    void associate_supervision(const std::vector<int>& slots, const std::vector<Detection>& dets,
                               double thresh, bool fuse);
    void apply_match(STrack& track, const Detection& det);
    void take_id(STrack& track);  // a track of tracks_ takes the next id
    int new_slot();
    void remove_duplicates();
    void mark_duplicate(std::size_t tracked_pos, std::size_t lost_pos);
    void drop_marked_duplicates();
    void compact_slots();
    void remove_duplicates_supervision();
    void release_unlisted();
    void build_output();

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
    std::vector<int> new_ids_;  // slots that took an id this frame, in order
    std::vector<int> slot_map_;  // compact_slots: old slot -> new slot
    std::vector<int> newly_lost_, newly_removed_, next_tracked_, next_lost_;
    std::vector<double> cost_;
    std::vector<int> row_sol_, col_sol_;
    std::vector<std::pair<int, int>> matches_;
    std::vector<int> unmatched_rows_, unmatched_cols_;
    std::vector<unsigned char> drop_tracked_, drop_lost_;  // valid once duplicates_marked_
    bool duplicates_marked_ = false;
    std::vector<TrackOutput> output_;
    LapjvSolver lapjv_;
    SparseAssignment assignment_;
    std::vector<Box> track_boxes_, det_boxes_;
    std::vector<double> det_scores_;
    std::vector<Box> lost_boxes_;
    std::vector<STrack> spare_tracks_;
    std::int64_t compact_every_ = 16;
    std::size_t compact_min_tracks_ = 512;
    OverlapGrid dup_grid_;
    AllPairsFilter dup_pairs_;
    // supervision presets
    LinearSumAssignment lsa_;
    std::vector<int> lsa_rows_, lsa_cols_;
    std::vector<std::int64_t> set_table_;
    std::vector<CostBox> row_boxes_, col_boxes_;
    bool input_f32_ = false;
};

}  // namespace bytetrack
