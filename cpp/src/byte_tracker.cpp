#include "bytetrack/byte_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace bytetrack {

namespace {

// Coordinates beyond this would overflow the Kalman covariance (it squares heights).
constexpr double kMaxCoordinate = 1e15;

// Smaller boxes make the Kalman variances (squares of the height) underflow to
// 0 and the gain 0 / 0. Normalised coordinates stay far above it.
constexpr double kMinSize = 1e-6;

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
    Semantics s{};
    s.max_time_lost = static_cast<int>(c.frame_rate / 30.0 * c.track_buffer);
    s.second_thresh = 0.5;
    s.duplicate_thresh = 0.15;
    s.low_floor = 0.1;
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
    output_.clear();
    if (owns_ids_) ids_->reset();
}

void BYTETracker::validate_detections(const double* xyxy, const double* scores, std::size_t n) {
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
        (high ? high_ : low_)
            .push_back(make_detection(b[0], b[1], b[2], b[3], s, cls, static_cast<std::int64_t>(i)));
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

void BYTETracker::predict(STrack& track) const {
    // Tracks that are not currently tracked stop growing or shrinking.
    if (track.state != TrackState::Tracked) track.kf.mean[7] = 0.0;
    KalmanFilter::predict(track.kf);
    if (sem_.refresh_box_after_predict) track.refresh_box();
}

void BYTETracker::associate(const std::vector<int>& slots, const std::vector<Detection>& dets,
                            double thresh, bool fuse) {
    matches_.clear();
    unmatched_rows_.clear();
    unmatched_cols_.clear();
    const int rows = static_cast<int>(slots.size());
    const int cols = static_cast<int>(dets.size());
    if (rows == 0 || cols == 0) {
        for (int r = 0; r < rows; ++r) unmatched_rows_.push_back(r);
        for (int c = 0; c < cols; ++c) unmatched_cols_.push_back(c);
        return;
    }
    cost_.resize(static_cast<std::size_t>(rows) * cols);
    for (int r = 0; r < rows; ++r) {
        const Box& tb = tracks_[slots[r]].box;
        double* out = cost_.data() + static_cast<std::size_t>(r) * cols;
        for (int c = 0; c < cols; ++c) {
            double dist = 1.0 - iou_plus_one(tb, dets[c].box);
            if (fuse) {
                // Literal reference arithmetic: similarity recovered from the distance.
                const double sim = 1.0 - dist;
                dist = 1.0 - sim * dets[c].score;
            }
            out[c] = dist;
        }
    }
    row_sol_.resize(rows);
    col_sol_.resize(cols);
    if (!lapjv_.solve_limited(cost_.data(), rows, cols, thresh, row_sol_.data(), col_sol_.data()))
        throw std::runtime_error("lapjv: assignment failed on a finite cost matrix");
    for (int r = 0; r < rows; ++r) {
        if (row_sol_[r] >= 0) {
            matches_.emplace_back(r, row_sol_[r]);
        } else {
            unmatched_rows_.push_back(r);
        }
    }
    for (int c = 0; c < cols; ++c) {
        if (col_sol_[c] < 0) unmatched_cols_.push_back(c);
    }
}

void BYTETracker::apply_match(STrack& track, const Detection& det) {
    double xyah[4];
    tlwh_to_xyah(det.tlwh, xyah);
    KalmanFilter::update(track.kf, xyah);
    // A tracked track continues its tracklet; a lost one is re-activated.
    track.tracklet_len = track.state == TrackState::Tracked ? track.tracklet_len + 1 : 0;
    track.state = TrackState::Tracked;
    track.is_activated = true;
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
    validate_detections(xyxy, scores, n);
    // Splitting only fills scratch lists, so a rejection below still leaves the
    // tracker as it was.
    split_detections(xyxy, scores, class_ids, n);
    check_assignment_size();
    ++frame_id_;

    activated_.clear();
    refind_.clear();
    born_.clear();
    newly_lost_.clear();
    newly_removed_.clear();

    // Unconfirmed tracks (born last frame, not yet matched) are kept out of the
    // pool and, as in the reference, are never predicted.
    unconfirmed_.clear();
    pool_.clear();
    for (int slot : tracked_) (tracks_[slot].is_activated ? pool_ : unconfirmed_).push_back(slot);
    pool_.insert(pool_.end(), lost_.begin(), lost_.end());  // the lists are disjoint
    for (int slot : pool_) predict(tracks_[slot]);

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

    // Births. Ids are taken at birth, so tentative tracks that die leave gaps.
    for (int c : unmatched_cols_) {
        const Detection& det = remaining_[c];
        if (det.score < sem_.det_thresh) continue;
        const int slot = new_slot();
        STrack& track = tracks_[slot];
        double xyah[4];
        tlwh_to_xyah(det.tlwh, xyah);
        KalmanFilter::initiate(xyah, track.kf);
        track.track_id = ids_->take();
        track.state = TrackState::Tracked;
        track.is_activated = frame_id_ == 1;  // only first-frame births are output at once
        track.frame_id = frame_id_;
        track.start_frame = frame_id_;
        track.tracklet_len = 0;
        track.score = det.score;
        track.class_id = det.class_id;
        track.det_index = det.index;
        track.refresh_box();
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
    next_lost_.erase(std::remove_if(next_lost_.begin(), next_lost_.end(),
                                    [this](int slot) { return tracks_[slot].removed_frame != 0; }),
                     next_lost_.end());
    for (int slot : newly_removed_) {
        if (tracks_[slot].removed_frame == 0) tracks_[slot].removed_frame = frame_id_;
    }
    if (sem_.lost_sorted_by_id) {
        std::sort(next_lost_.begin(), next_lost_.end(),
                  [this](int a, int b) { return tracks_[a].track_id < tracks_[b].track_id; });
    }
    remove_duplicates();
    release_unlisted();
    tracked_.swap(next_tracked_);
    lost_.swap(next_lost_);

    output_.clear();
    for (int slot : tracked_) {
        const STrack& t = tracks_[slot];
        if (t.is_activated) output_.push_back(TrackOutput{t.track_id, t.box, t.score, t.class_id, t.det_index});
    }
    return output_;
}

void BYTETracker::remove_duplicates() {
    const std::size_t nt = next_tracked_.size(), nl = next_lost_.size();
    drop_tracked_.assign(nt, 0);
    drop_lost_.assign(nl, 0);
    for (std::size_t p = 0; p < nt; ++p) {
        const STrack& a = tracks_[next_tracked_[p]];
        for (std::size_t q = 0; q < nl; ++q) {
            const STrack& b = tracks_[next_lost_[q]];
            if (1.0 - iou_plus_one(a.box, b.box) < sem_.duplicate_thresh) {
                // The older track wins; on a tie the tracked one goes.
                if (a.frame_id - a.start_frame > b.frame_id - b.start_frame) {
                    drop_lost_[q] = 1;
                } else {
                    drop_tracked_[p] = 1;
                }
            }
        }
    }
    std::size_t w = 0;
    for (std::size_t p = 0; p < nt; ++p) {
        if (!drop_tracked_[p]) next_tracked_[w++] = next_tracked_[p];
    }
    next_tracked_.resize(w);
    w = 0;
    for (std::size_t q = 0; q < nl; ++q) {
        if (!drop_lost_[q]) next_lost_[w++] = next_lost_[q];
    }
    next_lost_.resize(w);
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
