#include "bytetrack/trackers_tracker.hpp"

#include "bytetrack/lapjv.hpp"
#include "bytetrack/supervision_iou.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>
#include <string>

namespace bytetrack {

TrackersVersion parse_trackers_version(const std::string& name) {
    if (name == "2.2.0") return TrackersVersion::V2_2_0;
    if (name == "2.6.1") return TrackersVersion::V2_6_1;
    throw std::invalid_argument("version must be \"2.2.0\" or \"2.6.1\", got \"" + name + "\"");
}

const char* trackers_version_name(TrackersVersion version) {
    return version == TrackersVersion::V2_2_0 ? "2.2.0" : "2.6.1";
}

void TrackersConfig::validate() const {
    if (lost_track_buffer < 0) throw std::invalid_argument("lost_track_buffer must be >= 0");
    if (!std::isfinite(frame_rate) || !(frame_rate > 0.0))
        throw std::invalid_argument("frame_rate must be a finite positive number");
    if (!std::isfinite(frame_rate / 30.0 * lost_track_buffer))
        throw std::invalid_argument("frame_rate / 30 * lost_track_buffer overflows");
    if (!std::isfinite(track_activation_threshold))
        throw std::invalid_argument("track_activation_threshold must be finite");
    if (!std::isfinite(minimum_iou_threshold)) throw std::invalid_argument("minimum_iou_threshold must be finite");
    if (!std::isfinite(high_conf_det_threshold))
        throw std::invalid_argument("high_conf_det_threshold must be finite");
}

namespace {

int clamp_to_int(double v) {
    if (v >= static_cast<double>(INT_MAX)) return INT_MAX;
    if (v <= static_cast<double>(INT_MIN)) return INT_MIN;
    return static_cast<int>(v);
}

// Half-width, in seconds, of the band around one nominal frame in which trackers
// >= 2.6 keeps the configured process noise (its _NOMINAL_FRAME_STEP_TOLERANCE_SECONDS).
constexpr double kNominalStepToleranceSeconds = 0.004;

// The float16 value nearest to v (ties to even), as NumPy converts a Python float
// compared with a float16 array.
double round_to_float16(double v) {
    if (!std::isfinite(v) || v == 0.0) return v;
    const double a = std::fabs(v);
    if (a >= 65520.0) return std::copysign(HUGE_VAL, v);  // rounds past the largest half, 65504
    int e;
    std::frexp(a, &e);                                  // a = m * 2^e, 0.5 <= m < 1
    const int lsb_exp = std::max(e - 11, -24);          // 11 significant bits; subnormals step 2^-24
    const double scaled = std::ldexp(a, -lsb_exp);      // exact
    return std::copysign(std::ldexp(std::nearbyint(scaled), lsb_exp), v);
}

}  // namespace

TrackersByteTracker::TrackersByteTracker(const TrackersConfig& config) : config_(config) {
    config_.validate();
    const double scaled = config_.frame_rate / 30.0 * config_.lost_track_buffer;
    if (config_.version == TrackersVersion::V2_2_0) {
        max_frames_ = clamp_to_int(std::trunc(scaled));  // int(...)
    } else {
        max_frames_ = config_.lost_track_buffer == 0 ? 0 : std::max(1, clamp_to_int(std::ceil(scaled)));
    }
    max_seconds_ = config_.lost_track_buffer / 30.0;
    // NumPy 2 compares a float32 IoU with a Python float in float32.
    min_iou_f32_ = static_cast<float>(config_.minimum_iou_threshold);
}

void TrackersByteTracker::reset() {
    tracks_.clear();
    next_id_ = 0;
    has_last_timestamp_ = false;
    last_timestamp_ = 0.0;
    rows_.clear();
    ids_.clear();
    skipped_ = false;
    timestamp_outcome_ = TimestampOutcome::None;
}

void TrackersByteTracker::restore(std::vector<TrackersTrack> tracks, std::int64_t next_id, bool has_last_timestamp,
                                  double last_timestamp, bool skipped, TimestampOutcome outcome) {
    tracks_ = std::move(tracks);
    next_id_ = next_id;
    has_last_timestamp_ = has_last_timestamp;
    last_timestamp_ = last_timestamp;
    rows_.clear();
    ids_.clear();
    skipped_ = skipped;
    timestamp_outcome_ = outcome;
}

void TrackersByteTracker::validate(const TrackersFrame& frame) {
    if (frame.n > 0 && frame.xyxy == nullptr) throw std::invalid_argument("xyxy is missing");
    for (std::size_t k = 0; k < 4 * frame.n; ++k) {
        if (!std::isfinite(frame.xyxy[k]))
            throw std::invalid_argument("xyxy: row " + std::to_string(k / 4) + " contains NaN or inf");
    }
    if (frame.confidence != nullptr) {
        for (std::size_t i = 0; i < frame.n; ++i) {
            if (!std::isfinite(frame.confidence[i]))
                throw std::invalid_argument("confidence: element " + std::to_string(i) + " is NaN or inf");
        }
    }
}

TrackersByteTracker::Timing TrackersByteTracker::timing_for(const double* timestamp) {
    Timing t;
    if (timestamp == nullptr) {
        // Fixed-rate call: forget the anchor, one nominal frame.
        has_last_timestamp_ = false;
        timestamp_outcome_ = TimestampOutcome::None;
        return t;
    }
    const double now = *timestamp;
    if (!std::isfinite(now)) {
        timestamp_outcome_ = TimestampOutcome::NonFinite;
        t.skip = true;
        return t;
    }
    t.timed = true;
    if (!has_last_timestamp_) {
        // Bootstrap: one nominal frame period.
        has_last_timestamp_ = true;
        last_timestamp_ = now;
        t.seconds = 1.0 / config_.frame_rate;
        t.step = t.seconds * config_.frame_rate;
        timestamp_outcome_ = TimestampOutcome::Bootstrap;
        return t;
    }
    if (now < last_timestamp_) {
        timestamp_outcome_ = TimestampOutcome::Backwards;
        t.timed = false;
        t.skip = true;
        return t;
    }
    if (now == last_timestamp_) {
        // Same instant again: no predict, association on the current state.
        timestamp_outcome_ = TimestampOutcome::Duplicate;
        t.step = 0.0;
        t.seconds = 0.0;
        return t;
    }
    t.seconds = now - last_timestamp_;
    last_timestamp_ = now;
    t.step = t.seconds * config_.frame_rate;
    timestamp_outcome_ = TimestampOutcome::Advanced;
    return t;
}

void TrackersByteTracker::predict_all(const Timing& timing) {
    if (config_.version == TrackersVersion::V2_2_0) {
        for (TrackersTrack& t : tracks_) {
            kalman_v220::predict(t.kf);
            t.time_since_update += 1;
        }
        return;
    }
    if (timing.step <= 0.0) return;
    const double tolerance = timing.timed ? kNominalStepToleranceSeconds * config_.frame_rate : 0.1;
    const bool nominal_q = std::fabs(timing.step - 1.0) <= tolerance;
    for (TrackersTrack& t : tracks_) {
        kalman_v26::predict(t.kf, timing.step, nominal_q);
        if (t.time_since_update > 0) t.updates = 0;  // maturity counts consecutive updates
        t.time_since_update += 1;
        if (timing.timed)
            t.seconds_since_update += timing.seconds;
        else
            t.seconds_since_update = 0.0;
    }
}

bool TrackersByteTracker::within_budget(const TrackersTrack& t, bool timed) const {
    if (config_.version == TrackersVersion::V2_2_0) return t.time_since_update < max_frames_;
    if (timed) return t.seconds_since_update <= max_seconds_;
    return t.time_since_update <= max_frames_;
}

void TrackersByteTracker::prune(bool timed) {
    const bool v220 = config_.version == TrackersVersion::V2_2_0;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        const TrackersTrack& t = tracks_[i];
        // 2.6.1 makes maturity sticky once an id is given; in 2.2.0 the update
        // count never decreases, so the id test is implied there.
        const bool mature = t.updates >= config_.minimum_consecutive_frames || (!v220 && t.tracker_id != -1);
        if (within_budget(t, timed) && (mature || t.time_since_update == 0)) {
            if (kept != i) tracks_[kept] = t;
            ++kept;
        }
    }
    tracks_.resize(kept);
}

void TrackersByteTracker::associate(const std::vector<int>& track_slots, const std::vector<int>& det_rows) {
    const int n_rows = static_cast<int>(track_slots.size());
    const int n_cols = static_cast<int>(det_rows.size());
    matched_.clear();
    track_matched_.assign(static_cast<std::size_t>(n_rows), 0);
    det_matched_.assign(static_cast<std::size_t>(n_cols), 0);
    if (n_rows == 0 || n_cols == 0) return;

    // supervision's box_iou_batch, as each version ran with it: 0.27 (2.2.0's pin) or
    // >= 0.30. Track boxes are float64 arrays there; areas are computed once per box.
    const bool v220 = config_.version == TrackersVersion::V2_2_0;
    const bool det_f32 = frame_.xyxy_float32;
    track_area_.resize(static_cast<std::size_t>(n_rows));
    det_area_.resize(static_cast<std::size_t>(n_cols));
    for (int r = 0; r < n_rows; ++r) {
        const Box b = tracks_[static_cast<std::size_t>(track_slots[static_cast<std::size_t>(r)])].kf.box();
        track_area_[static_cast<std::size_t>(r)] = v220 ? area_supervision027(b, false) : area_supervision030(b);
    }
    for (int c = 0; c < n_cols; ++c) {
        const Box b = det_box(det_rows[static_cast<std::size_t>(c)]);
        det_area_[static_cast<std::size_t>(c)] = v220 ? area_supervision027(b, det_f32) : area_supervision030(b);
    }
    const std::size_t cells = static_cast<std::size_t>(n_rows) * static_cast<std::size_t>(n_cols);
    iou_.resize(cells);
    cost_.resize(cells);
    for (int r = 0; r < n_rows; ++r) {
        const Box track_box = tracks_[static_cast<std::size_t>(track_slots[static_cast<std::size_t>(r)])].kf.box();
        const double track_area = track_area_[static_cast<std::size_t>(r)];
        for (int c = 0; c < n_cols; ++c) {
            const Box b = det_box(det_rows[static_cast<std::size_t>(c)]);
            const double area = det_area_[static_cast<std::size_t>(c)];
            float iou = v220 ? iou_supervision027(track_box, track_area, false, b, area, det_f32)
                             : iou_supervision030(track_box, track_area, b, area);
            // Only astronomically large boxes (float overflow) can give NaN; such
            // a pair is never matched rather than failing the frame.
            if (std::isnan(iou)) iou = 0.0f;
            const std::size_t k = static_cast<std::size_t>(r) * n_cols + c;
            iou_[k] = iou;
            cost_[k] = static_cast<double>(iou);
        }
    }
    const std::size_t k_max = static_cast<std::size_t>(std::min(n_rows, n_cols));
    row_ind_.resize(k_max);
    col_ind_.resize(k_max);
    const int k = lsa_.solve(cost_.data(), n_rows, n_cols, true, row_ind_.data(), col_ind_.data());
    for (int i = 0; i < k; ++i) {
        const int r = row_ind_[static_cast<std::size_t>(i)];
        const int c = col_ind_[static_cast<std::size_t>(i)];
        if (iou_[static_cast<std::size_t>(r) * n_cols + c] >= min_iou_f32_) {
            matched_.emplace_back(r, c);
            track_matched_[static_cast<std::size_t>(r)] = 1;
            det_matched_[static_cast<std::size_t>(c)] = 1;
        }
    }
}

void TrackersByteTracker::update_track(TrackersTrack& t, std::size_t row) {
    const Box z = det_box(static_cast<int>(row));
    if (config_.version == TrackersVersion::V2_2_0) {
        kalman_v220::update(t.kf, z, frame_.xyxy_float32);
    } else {
        kalman_v26::update(t.kf, z);
        t.seconds_since_update = 0.0;
    }
    t.time_since_update = 0;
    t.updates += 1;
    if (t.updates >= config_.minimum_consecutive_frames && t.tracker_id == -1) t.tracker_id = next_id_++;
}

void TrackersByteTracker::spawn(std::size_t row) {
    const Box box = det_box(static_cast<int>(row));
    TrackersTrack t;
    if (config_.version == TrackersVersion::V2_2_0)
        kalman_v220::init(t.kf, box);
    else
        kalman_v26::init(t.kf, box);
    t.tracker_id = -1;
    t.updates = 1;
    t.time_since_update = 0;
    t.seconds_since_update = 0.0;
    tracks_.push_back(t);
}

void TrackersByteTracker::renumber_ids_from(std::int64_t base, std::int64_t first) {
    auto rename = [base, first](std::int64_t& id) {
        if (id >= base) id = first + (id - base);
    };
    for (TrackersTrack& t : tracks_) rename(t.tracker_id);
    for (std::int64_t& id : ids_) rename(id);
    next_id_ = first + (next_id_ - base);
}

std::size_t TrackersByteTracker::update(const TrackersFrame& frame, const double* timestamp) {
    validate(frame);
    const bool v220 = config_.version == TrackersVersion::V2_2_0;
    if (v220 && timestamp != nullptr) throw std::invalid_argument("timestamp is not supported by version 2.2.0");
    // The IoU and cost matrices are dense (tracks x rows): refuse sizes that would
    // need gigabytes, before any state changes.
    if (tracks_.size() + frame.n > static_cast<std::size_t>(LapjvSolver::kMaxSize))
        throw std::invalid_argument("detections: " + std::to_string(frame.n) + " rows with " +
                                    std::to_string(tracks_.size()) +
                                    " tracks exceed the size limit (tracks + rows <= " +
                                    std::to_string(LapjvSolver::kMaxSize) + ")");
    frame_ = frame;
    rows_.clear();
    ids_.clear();
    skipped_ = false;

    const Timing timing = v220 ? Timing() : timing_for(timestamp);
    if (timing.skip) {
        skipped_ = true;
        for (std::size_t i = 0; i < frame.n; ++i) emit(static_cast<std::int64_t>(i), -1);
        return rows_.size();
    }
    if (tracks_.empty() && frame.n == 0) return 0;

    predict_all(timing);
    if (timing.timed) {
        // Timestamp mode drops time-expired tracks before they can be matched.
        std::size_t kept = 0;
        for (std::size_t i = 0; i < tracks_.size(); ++i) {
            if (tracks_[i].seconds_since_update <= max_seconds_) {
                if (kept != i) tracks_[kept] = tracks_[i];
                ++kept;
            }
        }
        tracks_.resize(kept);
    }

    // Confidence split in the array's dtype. Without confidences 2.2.0 treats
    // every row as low, 2.6.1 as float32 ones.
    high_.clear();
    low_.clear();
    const float high_f32 = static_cast<float>(config_.high_conf_det_threshold);
    const double high_f16 = round_to_float16(config_.high_conf_det_threshold);
    for (std::size_t i = 0; i < frame.n; ++i) {
        bool high;
        if (frame.confidence == nullptr)
            high = !v220 && 1.0f >= high_f32;
        else if (frame.confidence_float16)
            high = frame.confidence[i] >= high_f16;
        else if (frame.confidence_float32)
            high = static_cast<float>(frame.confidence[i]) >= high_f32;
        else
            high = frame.confidence[i] >= config_.high_conf_det_threshold;
        (high ? high_ : low_).push_back(static_cast<int>(i));
    }

    // Step 1: every track against the high-confidence rows.
    all_slots_.resize(tracks_.size());
    for (std::size_t i = 0; i < tracks_.size(); ++i) all_slots_[i] = static_cast<int>(i);
    associate(all_slots_, high_);
    for (const auto& m : matched_) {
        TrackersTrack& t = tracks_[static_cast<std::size_t>(m.first)];
        const int row = high_[static_cast<std::size_t>(m.second)];
        update_track(t, static_cast<std::size_t>(row));
        emit(row, t.tracker_id);
    }
    remaining_slots_.clear();
    for (std::size_t r = 0; r < all_slots_.size(); ++r)
        if (!track_matched_[r]) remaining_slots_.push_back(all_slots_[r]);
    unmatched_high_.clear();
    for (std::size_t c = 0; c < high_.size(); ++c)
        if (!det_matched_[c]) unmatched_high_.push_back(high_[c]);

    // Step 2: the tracks left over (tentative and lost ones included) against the low rows.
    associate(remaining_slots_, low_);
    for (const auto& m : matched_) {
        TrackersTrack& t = tracks_[static_cast<std::size_t>(remaining_slots_[static_cast<std::size_t>(m.first)])];
        const int row = low_[static_cast<std::size_t>(m.second)];
        update_track(t, static_cast<std::size_t>(row));
        emit(row, t.tracker_id);
    }
    for (std::size_t c = 0; c < low_.size(); ++c)
        if (!det_matched_[c]) emit(low_[c], -1);

    // Unmatched high rows start tracks if confident enough (compared as Python
    // floats). 2.6.1 reports every such row, 2.2.0 only those that start a track.
    for (const int row : unmatched_high_) {
        const double conf = frame.confidence != nullptr ? frame.confidence[row] : 1.0;
        const bool starts = (frame.confidence != nullptr || !v220) && conf >= config_.track_activation_threshold;
        if (starts) spawn(static_cast<std::size_t>(row));
        if (starts || !v220) emit(row, -1);
    }

    prune(timing.timed);
    return rows_.size();
}

}  // namespace bytetrack
