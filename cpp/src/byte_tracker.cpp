#include "bytetrack/byte_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "bytetrack/cpython_set_order.hpp"
#include "bytetrack/scratch.hpp"
#include "bytetrack/supervision_iou.hpp"
#include <string>

namespace bytetrack {

namespace {

// Coordinates beyond this would overflow the Kalman covariance (it squares heights).
constexpr double kMaxCoordinate = 1e15;

// Smaller boxes make the Kalman variances (squares of the height) underflow to
// 0 and the gain 0 / 0. Normalised coordinates stay far above it.
constexpr double kMinSize = 1e-6;

// Below this many tracked x lost pairs, duplicate removal tests every pair
// (with AllPairsFilter's cheap reject) instead of building the grid.
constexpr std::size_t kDuplicateAllPairsCells = 4096;

// See LapjvSolver::kMaxSize; real scenes stay far below it.
constexpr std::size_t kMaxAssignmentSize = LapjvSolver::kMaxSize;

// The C++ references hold thresholds in float; widen the float value, not the literal.
double as_float(double v) { return static_cast<double>(static_cast<float>(v)); }

}  // namespace

Preset parse_preset(const std::string& name) {
    if (name == "ifzhang") return Preset::Ifzhang;
    if (name == "ifzhang-cpp") return Preset::IfzhangCpp;
    if (name == "ifzhang-cpp-2021") return Preset::IfzhangCpp2021;
    throw std::invalid_argument("preset: unknown preset '" + name +
                                "' (expected 'ifzhang', 'ifzhang-cpp' or 'ifzhang-cpp-2021')");
}

const char* preset_name(Preset preset) {
    switch (preset) {
        case Preset::Ifzhang: return "ifzhang";
        case Preset::IfzhangCpp: return "ifzhang-cpp";
        case Preset::IfzhangCpp2021: return "ifzhang-cpp-2021";
        case Preset::Supervision027: return "supervision-0.27.0.post1";
        case Preset::Supervision030: return "supervision-0.30.9";
    }
    return "ifzhang";
}

void TrackerConfig::validate() const {
    if (!std::isfinite(track_thresh) || track_thresh < 0.0 || track_thresh > 1.0)
        throw std::invalid_argument("track_thresh must be in [0, 1], got " + std::to_string(track_thresh));
    if (track_buffer < 0)
        throw std::invalid_argument("track_buffer must be >= 0, got " + std::to_string(track_buffer));
    if (!std::isfinite(match_thresh) || match_thresh < 0.0 || match_thresh > 1.0)
        throw std::invalid_argument("match_thresh must be in [0, 1], got " + std::to_string(match_thresh));
    if (!std::isfinite(frame_rate) || frame_rate <= 0.0)
        throw std::invalid_argument("frame_rate must be a positive number, got " + std::to_string(frame_rate));
    const double lost = frame_rate / 30.0 * track_buffer;
    if (lost > 1e9)
        throw std::invalid_argument("frame_rate * track_buffer is too large");
}

Semantics Semantics::from_config(const TrackerConfig& c) {
    // Value-initialised: every switch not set below is off / the ifzhang rule.
    Semantics s{};
    s.max_time_lost = static_cast<int>(c.frame_rate / 30.0 * c.track_buffer);
    s.second_thresh = 0.5;
    s.duplicate_thresh = 0.15;
    s.low_floor = 0.1;
    s.min_consecutive = c.min_consecutive_frames;
    if (c.preset == Preset::Supervision027 || c.preset == Preset::Supervision030) {
        // supervision's sv.ByteTrack (reference-spec 1.C.4): ifzhang-Python-like
        // core with NumPy float32 numerics and scipy assignment.
        const bool v030 = c.preset == Preset::Supervision030;
        s.fuse_score = true;  // no mot20 switch
        s.strict_split = true;
        s.high_inclusive = v030;
        s.thresholds_follow_input = true;
        s.det_thresh = c.track_thresh + 0.1;
        if (v030 && s.det_thresh > 1.0) s.det_thresh = c.track_thresh;
        s.match_thresh = c.match_thresh;
        s.unconfirmed_thresh = 0.7;
        s.duplicate_thresh = v030 ? 0.05 : 0.15;
        s.refresh_box_after_predict = true;
        s.lost_sorted_by_id = false;
        s.iou = v030 ? IouRule::Supervision030 : IouRule::Supervision027;
        s.assignment = AssignmentRule::ScipyClamped;
        s.float32_detections = true;
        s.cpython_set_order = true;
        s.removed_previous_frame_only = true;
        s.drop_invalid_rows = v030;
        s.id_rule = v030 ? IdRule::Supervision030 : IdRule::Supervision027;
        return s;
    }
    if (c.preset == Preset::Ifzhang) {
        s.fuse_score = !c.mot20;
        s.strict_split = true;
        s.det_thresh = c.track_thresh + 0.1;
        s.match_thresh = c.match_thresh;
        s.unconfirmed_thresh = 0.7;
        s.refresh_box_after_predict = true;
        s.lost_sorted_by_id = false;
    } else {
        // deploy/TensorRT|ncnn: no fusion, ">=" split with no floor, float thresholds;
        // its fixed high_thresh 0.6 is track_thresh + 0.1 at the default 0.5.
        s.fuse_score = false;
        s.strict_split = false;
        s.det_thresh = as_float(c.track_thresh + 0.1);
        s.match_thresh = as_float(c.match_thresh);
        s.unconfirmed_thresh = as_float(0.7);
        s.refresh_box_after_predict = c.preset == Preset::IfzhangCpp;
        s.lost_sorted_by_id = true;
    }
    return s;
}

BYTETracker::BYTETracker(const TrackerConfig& config, std::shared_ptr<IdCounter> ids)
    : config_(config), owns_ids_(ids == nullptr) {
    config_.validate();
    sem_ = Semantics::from_config(config_);
    ids_ = ids ? std::move(ids) : std::make_shared<IdCounter>(1);
}

void BYTETracker::reset() {
    frame_id_ = 0;
    tracks_.clear();
    free_slots_.clear();
    tracked_.clear();
    lost_.clear();
    born_.clear();
    new_ids_.clear();
    output_.clear();
    if (owns_ids_) ids_->reset();
}

void BYTETracker::validate_coordinate_range(const double* xyxy, std::size_t n) {
    for (std::size_t i = 0; i < 4 * n; ++i) {
        if (std::isfinite(xyxy[i]) && std::fabs(xyxy[i]) > kMaxCoordinate)
            throw std::invalid_argument("xyxy: row " + std::to_string(i / 4) + " has a coordinate beyond +-1e15");
    }
    // Empty boxes are dropped by the caller's rules; positive but tiny ones would
    // make the Kalman gain NaN (see kMinSize).
    for (std::size_t i = 0; i < n; ++i) {
        const double* b = xyxy + 4 * i;
        const double w = b[2] - b[0], h = b[3] - b[1];
        if ((w > 0.0 && w < kMinSize) || (h > 0.0 && h < kMinSize))
            throw std::invalid_argument("xyxy: row " + std::to_string(i) + " has a width or height below 1e-6");
    }
}

void BYTETracker::validate_detections(const double* xyxy, const double* scores, std::size_t n) {
    // Fast pass without a branch per value: |v| <= kMaxCoordinate also rejects
    // NaN and inf, and a side >= kMinSize implies x2 > x1. Only a bad input
    // takes the loop below, which names the first offending row.
    bool all_ok = true;
    for (std::size_t i = 0; i < n; ++i) {
        const double* b = xyxy + 4 * i;
        all_ok &= (std::fabs(b[0]) <= kMaxCoordinate) & (std::fabs(b[1]) <= kMaxCoordinate) &
                  (std::fabs(b[2]) <= kMaxCoordinate) & (std::fabs(b[3]) <= kMaxCoordinate) &
                  (b[2] - b[0] >= kMinSize) & (b[3] - b[1] >= kMinSize) &
                  (std::fabs(scores[i]) <= std::numeric_limits<double>::max());
    }
    if (all_ok) return;
    for (std::size_t i = 0; i < n; ++i) {
        const double* b = xyxy + 4 * i;
        for (int k = 0; k < 4; ++k) {
            if (!std::isfinite(b[k]))
                throw std::invalid_argument("xyxy: row " + std::to_string(i) + " contains NaN or inf");
            if (std::fabs(b[k]) > kMaxCoordinate)
                throw std::invalid_argument("xyxy: row " + std::to_string(i) +
                                            " has a coordinate beyond +-1e15");
        }
        if (!(b[2] > b[0]) || !(b[3] > b[1]))
            throw std::invalid_argument("xyxy: row " + std::to_string(i) +
                                        " has non-positive width or height (need x2 > x1 and y2 > y1)");
        if (!(b[2] - b[0] >= kMinSize) || !(b[3] - b[1] >= kMinSize))
            throw std::invalid_argument("xyxy: row " + std::to_string(i) + " has a width or height below 1e-6");
        if (!std::isfinite(scores[i]))
            throw std::invalid_argument("scores: element " + std::to_string(i) + " is NaN or inf");
    }
}

void BYTETracker::split_detections(const double* xyxy, const double* scores,
                                   const std::int64_t* class_ids, std::size_t n) {
    high_.clear();
    low_.clear();
    if (sem_.thresholds_follow_input) {
        split_detections_supervision(xyxy, scores, n);
        return;
    }
    const double t = sem_.strict_split ? config_.track_thresh : as_float(config_.track_thresh);
    for (std::size_t i = 0; i < n; ++i) {
        const double s = scores[i];
        bool high, low;
        if (sem_.strict_split) {
            // A score equal to the threshold falls in neither set (reference behaviour).
            high = s > t;
            low = s > sem_.low_floor && s < t;
        } else {
            high = s >= t;
            low = !high;
        }
        if (!high && !low) continue;
        const double* b = xyxy + 4 * i;
        const std::int64_t cls = class_ids ? class_ids[i] : -1;
        set_detection((high ? high_ : low_).emplace_back(), b[0], b[1], b[2], b[3], s, cls,
                      static_cast<std::int64_t>(i));
    }
}

void BYTETracker::check_assignment_size() const {
    std::size_t confirmed = 0;
    for (int slot : tracked_) confirmed += tracks_[slot].is_activated ? 1 : 0;
    const std::size_t unconfirmed = tracked_.size() - confirmed;
    const std::size_t pool = confirmed + lost_.size();
    // Upper bounds of the three association steps (rows x cols).
    const std::size_t steps[3][2] = {{pool, high_.size()}, {confirmed, low_.size()}, {unconfirmed, high_.size()}};
    for (const auto& step : steps) {
        if (step[0] > 0 && step[1] > 0 && step[0] + step[1] > kMaxAssignmentSize)
            throw std::invalid_argument("xyxy: " + std::to_string(step[1]) + " detections against " +
                                        std::to_string(step[0]) +
                                        " tracks exceed the assignment size limit (tracks + detections <= " +
                                        std::to_string(kMaxAssignmentSize) + " per association step)");
    }
}

// supervision: NumPy compares float32 scores with float32-rounded thresholds;
// 0.30 first drops rows with a non-finite value or an empty box; boxes become
// float32 tlwh.
void BYTETracker::split_detections_supervision(const double* xyxy, const double* scores, std::size_t n) {
    const double t = input_f32_ ? as_float(config_.track_thresh) : config_.track_thresh;
    const double floor = input_f32_ ? as_float(sem_.low_floor) : sem_.low_floor;
    for (std::size_t i = 0; i < n; ++i) {
        const double s = scores[i];
        const double* b = xyxy + 4 * i;
        if (sem_.drop_invalid_rows &&
            !(std::isfinite(b[0]) && std::isfinite(b[1]) && std::isfinite(b[2]) && std::isfinite(b[3]) &&
              std::isfinite(s) && b[2] > b[0] && b[3] > b[1]))
            continue;
        const bool high = sem_.high_inclusive ? s >= t : s > t;
        const bool low = s > floor && s < t;
        if (!high && !low) continue;
        (high ? high_ : low_).push_back(detection_from_row(b, s, -1, static_cast<std::int64_t>(i)));
    }
}

Detection BYTETracker::detection_from_row(const double* b, double score, std::int64_t class_id,
                                          std::int64_t index) const {
    if (!sem_.float32_detections) return make_detection(b[0], b[1], b[2], b[3], score, class_id, index);
    // supervision: tlwh = float32(x1, y1, x2 - x1, y2 - y1), the differences taken in
    // the input's dtype; the detection's box is float32 tlwh -> tlbr.
    const float x = static_cast<float>(b[0]), y = static_cast<float>(b[1]);
    const float w = input_f32_ ? static_cast<float>(b[2]) - x : static_cast<float>(b[2] - b[0]);
    const float h = input_f32_ ? static_cast<float>(b[3]) - y : static_cast<float>(b[3] - b[1]);
    Detection d;
    d.tlwh[0] = x;
    d.tlwh[1] = y;
    d.tlwh[2] = w;
    d.tlwh[3] = h;
    d.box = Box{x, y, static_cast<double>(x + w), static_cast<double>(y + h)};
    d.score = score;
    d.class_id = class_id;
    d.index = index;
    return d;
}

void BYTETracker::measurement(const Detection& det, double xyah[4]) const {
    if (!sem_.float32_detections) {
        tlwh_to_xyah(det.tlwh, xyah);
        return;
    }
    const float x = static_cast<float>(det.tlwh[0]), y = static_cast<float>(det.tlwh[1]);
    const float w = static_cast<float>(det.tlwh[2]), h = static_cast<float>(det.tlwh[3]);
    xyah[0] = x + w / 2.0f;
    xyah[1] = y + h / 2.0f;
    xyah[2] = w / h;
    xyah[3] = h;
}

void BYTETracker::refresh_box(STrack& track) const {
    if (!track.mean_f32) {
        track.refresh_box();
        return;
    }
    // NumPy does the tlwh/tlbr arithmetic in the mean's dtype.
    const float a = static_cast<float>(track.kf.mean[2]), h = static_cast<float>(track.kf.mean[3]);
    const float w = a * h;
    const float x = static_cast<float>(track.kf.mean[0]) - w / 2.0f;
    const float y = static_cast<float>(track.kf.mean[1]) - h / 2.0f;
    track.box = Box{x, y, static_cast<double>(w + x), static_cast<double>(h + y)};
}

void BYTETracker::predict(STrack& track, bool f32_noise) const {
    // Tracks that are not currently tracked stop growing or shrinking.
    if (track.state != TrackState::Tracked) track.kf.mean[7] = 0.0;
    KalmanFilter::predict(track.kf, f32_noise);
    track.mean_f32 = false;
    if (sem_.refresh_box_after_predict) track.refresh_box();
}

bool BYTETracker::all_float32(const std::vector<int>& slots) const {
    for (int slot : slots) {
        if (!tracks_[slot].mean_f32) return false;
    }
    return !slots.empty();
}

BYTETracker::CostBox BYTETracker::cost_box(const Box& b, bool f32_array) const {
    switch (sem_.iou) {
        case IouRule::PlusOne: return CostBox{b, 0.0};
        case IouRule::Supervision030: {
            // iou_distance casts both box arrays to float32 first.
            const Box r{static_cast<float>(b.x1), static_cast<float>(b.y1), static_cast<float>(b.x2),
                        static_cast<float>(b.y2)};
            return CostBox{r, area_supervision030(r)};
        }
        case IouRule::Supervision027: return CostBox{b, area_supervision027(b, f32_array)};
    }
    return CostBox{b, 0.0};
}

double BYTETracker::pair_cost(const CostBox& a, bool a_f32, const CostBox& b, bool b_f32) const {
    switch (sem_.iou) {
        case IouRule::PlusOne: return 1.0 - iou_plus_one(a.box, b.box);
        case IouRule::Supervision030: return 1.0f - iou_supervision030(a.box, a.area, b.box, b.area);
        case IouRule::Supervision027:
            return 1.0f - iou_supervision027(a.box, a.area, a_f32, b.box, b.area, b_f32);
    }
    return 1.0;
}



void BYTETracker::associate(const std::vector<int>& slots, const std::vector<Detection>& dets,
                            double thresh, bool fuse) {
    matches_.clear();
    unmatched_rows_.clear();
    unmatched_cols_.clear();
    const int rows = static_cast<int>(slots.size());
    const int cols = static_cast<int>(dets.size());
    if (rows == 0 || cols == 0) {
        // Everything unmatched, ascending (supervision's tuple(range(n)) too).
        for (int r = 0; r < rows; ++r) unmatched_rows_.push_back(r);
        for (int c = 0; c < cols; ++c) unmatched_cols_.push_back(c);
        return;
    }
    if (sem_.assignment == AssignmentRule::ScipyClamped) {
        associate_supervision(slots, dets, thresh, fuse);
        return;
    }
    // Sparse, per-component lapjv: same answer as the dense solve (see association.hpp).
    Box* track_boxes = scratch(track_boxes_, rows);
    for (int r = 0; r < rows; ++r) track_boxes[r] = tracks_[slots[r]].box;
    Box* det_boxes = scratch(det_boxes_, cols);
    double* det_scores = scratch(det_scores_, cols);
    for (int c = 0; c < cols; ++c) {
        det_boxes[c] = dets[c].box;
        det_scores[c] = dets[c].score;
    }
    int* row_sol = scratch(row_sol_, rows);
    int* col_sol = scratch(col_sol_, cols);
    if (!assignment_.solve(track_boxes, rows, det_boxes, det_scores, cols, thresh, fuse, row_sol, col_sol))
        throw std::runtime_error("lapjv: assignment failed on a finite cost matrix");
    for (int r = 0; r < rows; ++r) {
        if (row_sol[r] >= 0) {
            matches_.emplace_back(r, row_sol[r]);
        } else {
            unmatched_rows_.push_back(r);
        }
    }
    for (int c = 0; c < cols; ++c) {
        if (col_sol[c] < 0) unmatched_cols_.push_back(c);
    }
}

// supervision's iou_distance / fuse_score / linear_assignment: float32 costs
// (float64 when 0.27 fuses float64 scores), entries above the threshold clamped
// to threshold + 1e-4, scipy's solver, pairs kept if their cost <= threshold,
// and the unmatched indices in CPython set order.
void BYTETracker::associate_supervision(const std::vector<int>& slots, const std::vector<Detection>& dets,
                                        double thresh, bool fuse) {
    // Called by associate() with both sides non-empty and the outputs cleared.
    const int rows = static_cast<int>(slots.size());
    const int cols = static_cast<int>(dets.size());
    const bool tracks_f32 = all_float32(slots);
    // 0.27 fuses with scores of the input's dtype; 0.30 casts them to float32.
    const bool fuse_f32 = sem_.iou == IouRule::Supervision030 || input_f32_;
    const bool cost_f32 = !fuse || fuse_f32;
    row_boxes_.clear();
    col_boxes_.clear();
    for (int slot : slots) row_boxes_.push_back(cost_box(tracks_[slot].box, tracks_f32));
    for (const Detection& d : dets) col_boxes_.push_back(cost_box(d.box, true));  // float32 tlbr
    cost_.resize(static_cast<std::size_t>(rows) * cols);
    for (int r = 0; r < rows; ++r) {
        double* out = cost_.data() + static_cast<std::size_t>(r) * cols;
        for (int c = 0; c < cols; ++c) {
            double dist = pair_cost(row_boxes_[r], tracks_f32, col_boxes_[c], true);
            if (fuse) {
                const float sim = 1.0f - static_cast<float>(dist);
                if (fuse_f32) {
                    dist = 1.0f - sim * static_cast<float>(dets[c].score);
                } else {
                    dist = 1.0 - static_cast<double>(sim) * dets[c].score;
                }
            }
            out[c] = dist;
        }
    }
    // NumPy compares a float32 matrix with the threshold in float32 and stores
    // the clamp value as float32.
    const double limit = cost_f32 ? as_float(thresh) : thresh;
    const double clamp = cost_f32 ? as_float(thresh + 1e-4) : thresh + 1e-4;
    for (double& v : cost_) {
        if (v > limit) v = clamp;
    }
    const int k = std::min(rows, cols);
    lsa_rows_.resize(k);
    lsa_cols_.resize(k);
    if (lsa_.solve(cost_.data(), rows, cols, false, lsa_rows_.data(), lsa_cols_.data()) < 0)
        throw std::runtime_error("linear_sum_assignment failed on a finite cost matrix");
    row_sol_.assign(rows, -1);
    col_sol_.assign(cols, -1);
    for (int i = 0; i < k; ++i) {  // ascending rows
        const int r = lsa_rows_[i], c = lsa_cols_[i];
        if (cost_[static_cast<std::size_t>(r) * cols + c] <= limit) {
            matches_.emplace_back(r, c);
            row_sol_[r] = c;
            col_sol_[c] = r;
        }
    }
    for (int r = 0; r < rows; ++r) {
        if (row_sol_[r] < 0) unmatched_rows_.push_back(r);
    }
    for (int c = 0; c < cols; ++c) {
        if (col_sol_[c] < 0) unmatched_cols_.push_back(c);
    }
    // supervision returns them as tuple(set(range(n)) - set(matched)).
    cpython_set_difference_order(rows, matches_.size(), unmatched_rows_, set_table_);
    cpython_set_difference_order(cols, matches_.size(), unmatched_cols_, set_table_);
}

void BYTETracker::apply_match(STrack& track, const Detection& det) {
    double xyah[4];
    measurement(det, xyah);
    KalmanFilter::update(track.kf, xyah, track.mean_f32);
    track.mean_f32 = false;
    // A tracked track continues its tracklet; a lost one is re-activated.
    const bool continued = track.state == TrackState::Tracked;
    track.tracklet_len = continued ? track.tracklet_len + 1 : 0;
    track.state = TrackState::Tracked;
    switch (sem_.id_rule) {
        case IdRule::AtBirth: track.is_activated = true; break;
        case IdRule::Supervision027:
        case IdRule::Supervision030:
            // Confirmation happens in update() only; re_activate() leaves it alone.
            if (continued && (sem_.id_rule == IdRule::Supervision027
                                  ? track.tracklet_len == sem_.min_consecutive
                                  : track.tracklet_len >= sem_.min_consecutive)) {
                track.is_activated = true;
                if (track.track_id < 0) take_id(track);
            }
            break;
    }
    track.frame_id = frame_id_;
    track.score = det.score;
    track.class_id = det.class_id;
    track.det_index = det.index;
    track.refresh_box();
}

int BYTETracker::new_slot() {
    if (!free_slots_.empty()) {
        const int slot = free_slots_.back();
        free_slots_.pop_back();
        tracks_[slot] = STrack();
        return slot;
    }
    tracks_.emplace_back();
    return static_cast<int>(tracks_.size()) - 1;
}

const std::vector<TrackOutput>& BYTETracker::update(const double* xyxy, const double* scores,
                                                    const std::int64_t* class_ids, std::size_t n) {
    return update(xyxy, scores, class_ids, n, false);
}

const std::vector<TrackOutput>& BYTETracker::update(const double* xyxy, const double* scores,
                                                    const std::int64_t* class_ids, std::size_t n,
                                                    bool float32_input) {
    if (sem_.drop_invalid_rows) {
        validate_coordinate_range(xyxy, n);
    } else {
        validate_detections(xyxy, scores, n);
    }
    return update_validated(xyxy, scores, class_ids, n, float32_input);
}

const std::vector<TrackOutput>& BYTETracker::update_validated(const double* xyxy, const double* scores,
                                                              const std::int64_t* class_ids, std::size_t n,
                                                              bool float32_input) {
    input_f32_ = float32_input;  // read only within this call
    // Splitting only fills scratch lists, so a rejection below still leaves the
    // tracker as it was.
    split_detections(xyxy, scores, class_ids, n);
    check_assignment_size();
    ++frame_id_;

    activated_.clear();
    refind_.clear();
    born_.clear();
    new_ids_.clear();
    newly_lost_.clear();
    newly_removed_.clear();

    // Unconfirmed tracks (born last frame, not yet matched) are kept out of the
    // pool and, as in the reference, are never predicted.
    unconfirmed_.clear();
    pool_.clear();
    for (int slot : tracked_) (tracks_[slot].is_activated ? pool_ : unconfirmed_).push_back(slot);
    pool_.insert(pool_.end(), lost_.begin(), lost_.end());  // the lists are disjoint
    // supervision predicts the pool as one NumPy batch: float32 only if every mean is.
    const bool batch_f32 = sem_.float32_detections && all_float32(pool_);
    for (int slot : pool_) predict(tracks_[slot], batch_f32);

    // First association: every pool track against high-score detections.
    associate(pool_, high_, sem_.match_thresh, sem_.fuse_score);
    for (const auto& m : matches_) {
        STrack& track = tracks_[pool_[m.first]];
        (track.state == TrackState::Tracked ? activated_ : refind_).push_back(pool_[m.first]);
        apply_match(track, high_[m.second]);
    }
    remaining_.clear();
    for (int c : unmatched_cols_) remaining_.push_back(high_[c]);
    r_tracked_.clear();
    for (int r : unmatched_rows_) {
        if (tracks_[pool_[r]].state == TrackState::Tracked) r_tracked_.push_back(pool_[r]);
    }

    // Second association: still-tracked tracks against low-score detections, no
    // fusion. Lost tracks can only come back through a high-score detection.
    associate(r_tracked_, low_, sem_.second_thresh, false);
    for (const auto& m : matches_) {
        STrack& track = tracks_[r_tracked_[m.first]];
        (track.state == TrackState::Tracked ? activated_ : refind_).push_back(r_tracked_[m.first]);
        apply_match(track, low_[m.second]);
    }
    for (int r : unmatched_rows_) {
        STrack& track = tracks_[r_tracked_[r]];
        if (track.state != TrackState::Lost) {
            track.state = TrackState::Lost;
            newly_lost_.push_back(r_tracked_[r]);
        }
    }

    // Unconfirmed tracks against the leftover high-score detections.
    associate(unconfirmed_, remaining_, sem_.unconfirmed_thresh, sem_.fuse_score);
    for (const auto& m : matches_) {
        activated_.push_back(unconfirmed_[m.first]);
        apply_match(tracks_[unconfirmed_[m.first]], remaining_[m.second]);
    }
    for (int r : unmatched_rows_) {
        tracks_[unconfirmed_[r]].state = TrackState::Removed;
        newly_removed_.push_back(unconfirmed_[r]);
    }

    // Births. ifzhang takes ids at birth, so tentative tracks that die leave gaps.
    const double det_thresh =
        sem_.thresholds_follow_input && input_f32_ ? as_float(sem_.det_thresh) : sem_.det_thresh;
    for (int c : unmatched_cols_) {
        const Detection& det = remaining_[c];
        if (det.score < det_thresh) continue;
        const int slot = new_slot();
        STrack& track = tracks_[slot];
        double xyah[4];
        measurement(det, xyah);
        KalmanFilter::initiate(xyah, track.kf, sem_.float32_detections);
        track.mean_f32 = sem_.float32_detections;
        track.state = TrackState::Tracked;
        switch (sem_.id_rule) {
            case IdRule::AtBirth:
                take_id(track);
                track.is_activated = frame_id_ == 1;  // only first-frame births are output at once
                track.tracklet_len = 0;
                break;
            case IdRule::Supervision027:
                track.is_activated = frame_id_ == 1;
                track.track_id = -1;
                if (sem_.min_consecutive == 1) take_id(track);
                track.tracklet_len = 0;
                break;
            case IdRule::Supervision030:
                track.tracklet_len = 1;
                track.is_activated = frame_id_ == 1 && 1 >= sem_.min_consecutive;
                track.track_id = -1;
                if (track.is_activated) take_id(track);
                break;
        }
        track.frame_id = frame_id_;
        track.start_frame = frame_id_;
        track.score = det.score;
        track.class_id = det.class_id;
        track.det_index = det.index;
        refresh_box(track);
        born_.push_back(slot);
    }

    // Expiry. A track marked Removed here stays in the lost list for one more
    // frame, where a high-score detection can still revive it (reference quirk).
    for (int slot : lost_) {
        STrack& track = tracks_[slot];
        if (frame_id_ - track.frame_id > sem_.max_time_lost) {
            track.state = TrackState::Removed;
            newly_removed_.push_back(slot);
        }
    }

    // Bookkeeping, in the reference's order.
    next_tracked_.clear();
    for (int slot : tracked_) {
        if (tracks_[slot].state == TrackState::Tracked) next_tracked_.push_back(slot);
    }
    next_tracked_.insert(next_tracked_.end(), born_.begin(), born_.end());
    next_tracked_.insert(next_tracked_.end(), refind_.begin(), refind_.end());

    next_lost_.clear();
    for (int slot : lost_) {
        if (tracks_[slot].state != TrackState::Tracked) next_lost_.push_back(slot);
    }
    next_lost_.insert(next_lost_.end(), newly_lost_.begin(), newly_lost_.end());
    // The references subtract their all-time removed_stracks list here. A track
    // is in that list iff it was marked Removed in an earlier frame, so a
    // per-track frame stamp gives the same result in O(live tracks) memory:
    // lingering tracks leave now, and a revived track that is lost again later
    // leaves at once.
    // supervision keeps only the previous frame's removals instead: revived
    // tracks are not suppressed later.
    if (sem_.removed_previous_frame_only) {
        next_lost_.erase(std::remove_if(next_lost_.begin(), next_lost_.end(),
                                        [this](int slot) { return tracks_[slot].removed_frame == frame_id_ - 1; }),
                         next_lost_.end());
        for (int slot : newly_removed_) tracks_[slot].removed_frame = frame_id_;
    } else {
        next_lost_.erase(std::remove_if(next_lost_.begin(), next_lost_.end(),
                                        [this](int slot) { return tracks_[slot].removed_frame != 0; }),
                         next_lost_.end());
        for (int slot : newly_removed_) {
            if (tracks_[slot].removed_frame == 0) tracks_[slot].removed_frame = frame_id_;
        }
    }
    if (sem_.lost_sorted_by_id) {
        std::sort(next_lost_.begin(), next_lost_.end(),
                  [this](int a, int b) { return tracks_[a].track_id < tracks_[b].track_id; });
    }
    remove_duplicates();
    release_unlisted();
    tracked_.swap(next_tracked_);
    lost_.swap(next_lost_);
    if (compact_every_ > 0 && frame_id_ % compact_every_ == 0 && tracks_.size() >= compact_min_tracks_)
        compact_slots();

    build_output();
    return output_;
}

void BYTETracker::build_output() {
    output_.clear();
    for (int slot : tracked_) {
        const STrack& t = tracks_[slot];
        if (!t.is_activated) continue;
        // Filled in place (a temporary's copy stalls on store forwarding, see set_detection).
        TrackOutput& out = output_.emplace_back();
        out.track_id = t.track_id;
        out.box = t.box;
        out.score = t.score;
        out.class_id = t.class_id;
        out.det_index = t.det_index;
    }
}

void BYTETracker::take_id(STrack& track) {
    track.track_id = ids_->take();
    new_ids_.push_back(static_cast<int>(&track - tracks_.data()));
}

const std::vector<TrackOutput>& BYTETracker::renumber_new_ids(std::int64_t first_id) {
    // A track may already be released (dropped as a duplicate); renaming its
    // stale slot is harmless, and it keeps one id per take like the reference.
    for (std::size_t k = 0; k < new_ids_.size(); ++k) {
        if (new_ids_[k] >= 0) tracks_[new_ids_[k]].track_id = first_id + static_cast<std::int64_t>(k);
    }
    if (!new_ids_.empty()) build_output();
    return output_;
}

// Slots are reused in free-list order, so after a while the lists visit the
// pool in random order; with thousands of tracks every pass then misses the
// cache. Re-laying the pool out in list order keeps the passes sequential.
// Slot numbers are internal: only the per-frame lists refer to them.
void BYTETracker::compact_slots() {
    spare_tracks_.clear();
    spare_tracks_.reserve(tracks_.capacity());
    slot_map_.assign(tracks_.size(), -1);
    for (std::vector<int>* list : {&tracked_, &lost_}) {
        for (int& slot : *list) {
            spare_tracks_.push_back(tracks_[slot]);
            slot_map_[slot] = static_cast<int>(spare_tracks_.size()) - 1;
            slot = slot_map_[slot];
        }
    }
    // This frame's id takers are renamed later by slot (renumber_new_ids); one
    // dropped this frame has no slot any more (-1).
    for (int& slot : new_ids_) slot = slot_map_[slot];
    tracks_.swap(spare_tracks_);
    free_slots_.clear();
}

std::size_t BYTETracker::heap_bytes() const {
    auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
    std::size_t total = bytes(tracks_) + bytes(free_slots_) + bytes(tracked_) + bytes(lost_);
    total += bytes(high_) + bytes(low_) + bytes(remaining_);
    for (const auto* v : {&pool_, &unconfirmed_, &r_tracked_, &activated_, &refind_, &born_, &new_ids_, &slot_map_, &newly_lost_,
                          &newly_removed_, &next_tracked_, &next_lost_, &row_sol_, &col_sol_,
                          &unmatched_rows_, &unmatched_cols_})
        total += bytes(*v);
    total += bytes(cost_) + bytes(matches_) + bytes(drop_tracked_) + bytes(drop_lost_) + bytes(output_);
    total += bytes(track_boxes_) + bytes(det_boxes_) + bytes(det_scores_) + bytes(lost_boxes_) +
             bytes(spare_tracks_);
    return total + lapjv_.heap_bytes() + assignment_.heap_bytes() + dup_grid_.heap_bytes() + dup_pairs_.heap_bytes();
}

// A tracked/lost pair found to be the same object: the older track wins; on a
// tie the tracked one goes (reference rule, shared by every preset).
void BYTETracker::mark_duplicate(std::size_t p, std::size_t q) {
    if (!duplicates_marked_) {  // duplicates are rare: the flags are cleared on the first one
        drop_tracked_.assign(next_tracked_.size(), 0);
        drop_lost_.assign(next_lost_.size(), 0);
        duplicates_marked_ = true;
    }
    const STrack& a = tracks_[next_tracked_[p]];
    const STrack& b = tracks_[next_lost_[q]];
    if (a.frame_id - a.start_frame > b.frame_id - b.start_frame) {
        drop_lost_[q] = 1;
    } else {
        drop_tracked_[p] = 1;
    }
}

// Removes the marked tracks from both new lists, keeping their order.
void BYTETracker::drop_marked_duplicates() {
    if (!duplicates_marked_) return;
    std::size_t w = 0;
    for (std::size_t p = 0; p < next_tracked_.size(); ++p) {
        if (!drop_tracked_[p]) next_tracked_[w++] = next_tracked_[p];
    }
    next_tracked_.resize(w);
    w = 0;
    for (std::size_t q = 0; q < next_lost_.size(); ++q) {
        if (!drop_lost_[q]) next_lost_[w++] = next_lost_[q];
    }
    next_lost_.resize(w);
}

void BYTETracker::remove_duplicates() {
    if (sem_.iou != IouRule::PlusOne) {
        remove_duplicates_supervision();
        return;
    }
    const std::size_t nt = next_tracked_.size(), nl = next_lost_.size();
    if (nt == 0 || nl == 0) return;
    duplicates_marked_ = false;
    // Capacity as if the flags were cleared every frame: no allocation later
    // when the first duplicate shows up.
    drop_tracked_.reserve(nt);
    drop_lost_.reserve(nl);
    // Each pair decides on its own, so any enumeration of the overlapping pairs
    // gives the same flags: large lists go through the overlap grid.
    auto check = [this](std::size_t p, std::size_t q) {
        if (1.0 - iou_plus_one(tracks_[next_tracked_[p]].box, tracks_[next_lost_[q]].box) < sem_.duplicate_thresh)
            mark_duplicate(p, q);
    };
    if (nt * nl <= 64) {
        for (std::size_t p = 0; p < nt; ++p)
            for (std::size_t q = 0; q < nl; ++q) check(p, q);
    } else if (nt * nl <= kDuplicateAllPairsCells) {
        // Every pair, with the widened-box test as a cheap reject. Boxes with a
        // NaN or inf are never duplicates (their IoU is 0 or NaN), so whether
        // the test keeps them does not matter. The longer list is stored, the
        // shorter one queries it.
        if (nl >= nt) {
            Box* lost_boxes = scratch(lost_boxes_, nl);
            for (std::size_t q = 0; q < nl; ++q) lost_boxes[q] = tracks_[next_lost_[q]].box;
            dup_pairs_.build(lost_boxes, static_cast<int>(nl));
            for (std::size_t p = 0; p < nt; ++p)
                dup_pairs_.for_each_candidate(tracks_[next_tracked_[p]].box,
                                              [&](int q) { check(p, static_cast<std::size_t>(q)); });
        } else {
            Box* track_boxes = scratch(track_boxes_, nt);
            for (std::size_t p = 0; p < nt; ++p) track_boxes[p] = tracks_[next_tracked_[p]].box;
            dup_pairs_.build(track_boxes, static_cast<int>(nt));
            for (std::size_t q = 0; q < nl; ++q)
                dup_pairs_.for_each_candidate(tracks_[next_lost_[q]].box,
                                              [&](int p) { check(static_cast<std::size_t>(p), q); });
        }
    } else {
        Box* lost_boxes = scratch(lost_boxes_, nl);
        for (std::size_t q = 0; q < nl; ++q) lost_boxes[q] = tracks_[next_lost_[q]].box;
        Box* track_boxes = scratch(track_boxes_, nt);
        for (std::size_t p = 0; p < nt; ++p) track_boxes[p] = tracks_[next_tracked_[p]].box;
        if (!OverlapGrid::all_finite(lost_boxes, static_cast<int>(nl)) ||
            !OverlapGrid::all_finite(track_boxes, static_cast<int>(nt))) {
            for (std::size_t p = 0; p < nt; ++p)
                for (std::size_t q = 0; q < nl; ++q) check(p, q);
        } else {
            dup_grid_.build(lost_boxes, static_cast<int>(nl));
            for (std::size_t p = 0; p < nt; ++p)
                dup_grid_.for_each_candidate(track_boxes[p], [&](int q) { check(p, static_cast<std::size_t>(q)); });
        }
    }
    drop_marked_duplicates();
}

// supervision's remove_duplicate_tracks: its float32 iou_distance, compared with
// the threshold in float32; same older-wins rule.
void BYTETracker::remove_duplicates_supervision() {
    const std::size_t nt = next_tracked_.size(), nl = next_lost_.size();
    if (nt == 0 || nl == 0) return;
    duplicates_marked_ = false;
    // Capacity as if the flags were cleared every frame: no allocation later
    // when the first duplicate shows up.
    drop_tracked_.reserve(nt);
    drop_lost_.reserve(nl);
    const double limit = as_float(sem_.duplicate_thresh);
    const bool tracked_f32 = all_float32(next_tracked_);
    const bool lost_f32 = all_float32(next_lost_);
    row_boxes_.clear();
    col_boxes_.clear();
    for (int slot : next_tracked_) row_boxes_.push_back(cost_box(tracks_[slot].box, tracked_f32));
    for (int slot : next_lost_) col_boxes_.push_back(cost_box(tracks_[slot].box, lost_f32));
    for (std::size_t p = 0; p < nt; ++p) {
        for (std::size_t q = 0; q < nl; ++q) {
            if (pair_cost(row_boxes_[p], tracked_f32, col_boxes_[q], lost_f32) < limit) mark_duplicate(p, q);
        }
    }
    drop_marked_duplicates();
}

// Returns to the free list every slot that was live this frame but is in
// neither new list (removed, suppressed or dropped as duplicate).
void BYTETracker::release_unlisted() {
    for (int slot : next_tracked_) tracks_[slot].listed_frame = frame_id_;
    for (int slot : next_lost_) tracks_[slot].listed_frame = frame_id_;
    auto release = [this](const std::vector<int>& slots) {
        for (int slot : slots) {
            if (tracks_[slot].listed_frame != frame_id_) {
                tracks_[slot].listed_frame = frame_id_;  // release once
                free_slots_.push_back(slot);
            }
        }
    };
    release(tracked_);
    release(lost_);
    release(born_);
}

void BYTETracker::set_id_counter(std::shared_ptr<IdCounter> ids, bool owned) {
    if (!ids) throw std::invalid_argument("id_counter must not be null");
    ids_ = std::move(ids);
    owns_ids_ = owned;
}

void BYTETracker::restore(std::int64_t frame_id, std::vector<STrack> tracked, std::vector<STrack> lost) {
    tracks_.clear();
    free_slots_.clear();
    tracked_.clear();
    lost_.clear();
    born_.clear();
    new_ids_.clear();
    output_.clear();
    frame_id_ = frame_id;
    for (auto& t : tracked) {
        tracked_.push_back(static_cast<int>(tracks_.size()));
        tracks_.push_back(t);
    }
    for (auto& t : lost) {
        lost_.push_back(static_cast<int>(tracks_.size()));
        tracks_.push_back(t);
    }
}

}  // namespace bytetrack
