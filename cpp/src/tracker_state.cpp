#include "bytetrack/tracker_state.hpp"

#include <cmath>
#include <utility>
#include <vector>

namespace bytetrack {

namespace {

constexpr const char* kByteTrackerName = "BYTETracker";

// Fixed part of an encoded STrack, to bound list lengths read from a blob.
constexpr std::size_t kTrackBytes = 8 * (8 + 16 + 4 + 1 + 8) + 4 + 1;

// Far beyond anything a tracker reaches from valid input, and small enough that
// the Kalman filter's products of three such numbers stay finite.
constexpr double kMaxMagnitude = 1e100;

bool all_plausible(const double* v, int n) {
    for (int k = 0; k < n; ++k) {
        if (!(std::fabs(v[k]) <= kMaxMagnitude)) return false;  // also catches NaN
    }
    return true;
}

bool all_non_negative(const double* v, int n) {
    for (int k = 0; k < n; ++k) {
        if (!(v[k] >= 0.0)) return false;
    }
    return true;
}

}  // namespace

void write_config(StateWriter& w, const TrackerConfig& c) {
    w.f64(c.track_thresh);
    w.i64(c.track_buffer);
    w.f64(c.match_thresh);
    w.f64(c.frame_rate);
    w.boolean(c.mot20);
    w.str(preset_name(c.preset));
}

TrackerConfig read_config(StateReader& r) {
    TrackerConfig c;
    c.track_thresh = r.f64();
    const std::int64_t buffer = r.i64();
    if (buffer < 0 || buffer > 2147483647) StateReader::fail("track_buffer out of range");
    c.track_buffer = static_cast<int>(buffer);
    c.match_thresh = r.f64();
    c.frame_rate = r.f64();
    c.mot20 = r.boolean();
    c.preset = parse_preset(r.str());
    c.validate();
    return c;
}

void write_track(StateWriter& w, const STrack& t) {
    for (double v : t.kf.mean) w.f64(v);
    for (double v : t.kf.p_pp) w.f64(v);
    for (double v : t.kf.p_pv) w.f64(v);
    for (double v : t.kf.p_vp) w.f64(v);
    for (double v : t.kf.p_vv) w.f64(v);
    w.f64(t.box.x1);
    w.f64(t.box.y1);
    w.f64(t.box.x2);
    w.f64(t.box.y2);
    w.f64(t.score);
    w.i64(t.track_id);
    w.i64(t.class_id);
    w.i64(t.det_index);
    w.i64(t.frame_id);
    w.i64(t.start_frame);
    w.i64(t.tracklet_len);
    w.i64(t.removed_frame);
    w.i64(t.listed_frame);
    w.u32(static_cast<std::uint32_t>(t.state));
    w.boolean(t.is_activated);
}

STrack read_track(StateReader& r) {
    STrack t;
    for (double& v : t.kf.mean) v = r.f64();
    for (double& v : t.kf.p_pp) v = r.f64();
    for (double& v : t.kf.p_pv) v = r.f64();
    for (double& v : t.kf.p_vp) v = r.f64();
    for (double& v : t.kf.p_vv) v = r.f64();
    t.box.x1 = r.f64();
    t.box.y1 = r.f64();
    t.box.x2 = r.f64();
    t.box.y2 = r.f64();
    t.score = r.f64();
    t.track_id = r.i64();
    t.class_id = r.i64();
    t.det_index = r.i64();
    t.frame_id = r.i64();
    t.start_frame = r.i64();
    t.tracklet_len = r.i64();
    t.removed_frame = r.i64();
    t.listed_frame = r.i64();
    const std::uint32_t state = r.u32();
    if (state > static_cast<std::uint32_t>(TrackState::Removed)) StateReader::fail("bad track state");
    t.state = static_cast<TrackState>(state);
    t.is_activated = r.boolean();
    // A corrupted blob would only fail later, inside update(); refuse it here.
    const double box[4] = {t.box.x1, t.box.y1, t.box.x2, t.box.y2};
    if (!all_plausible(t.kf.mean, 8) || !all_plausible(t.kf.p_pp, 4) || !all_plausible(t.kf.p_pv, 4) ||
        !all_plausible(t.kf.p_vp, 4) || !all_plausible(t.kf.p_vv, 4) || !all_plausible(box, 4) ||
        !std::isfinite(t.score))
        StateReader::fail("implausible number in a track (corrupted state)");
    if (!all_non_negative(t.kf.p_pp, 4) || !all_non_negative(t.kf.p_vv, 4))
        StateReader::fail("negative variance in a track (corrupted state)");
    return t;
}

void write_byte_tracker(StateWriter& w, const BYTETracker& tracker) {
    w.header(kByteTrackerName);
    write_config(w, tracker.config());
    w.i64(tracker.frame_id());
    w.i64(tracker.id_counter()->start());
    w.i64(tracker.id_counter()->peek());
    const auto& pool = tracker.track_pool();
    w.u64(tracker.tracked_slots().size());
    for (int slot : tracker.tracked_slots()) write_track(w, pool[slot]);
    w.u64(tracker.lost_slots().size());
    for (int slot : tracker.lost_slots()) write_track(w, pool[slot]);
}

std::string save_state(const BYTETracker& tracker) {
    StateWriter w;
    write_byte_tracker(w, tracker);
    return w.take();
}

BYTETracker read_byte_tracker(StateReader& r, std::shared_ptr<IdCounter> ids) {
    r.header(kByteTrackerName);
    const TrackerConfig config = read_config(r);
    const std::int64_t frame_id = r.i64();
    if (frame_id < 0) StateReader::fail("negative frame id");
    const std::int64_t id_start = r.i64();
    const std::int64_t id_next = r.i64();
    std::vector<STrack> tracked(r.count(kTrackBytes));
    for (auto& t : tracked) t = read_track(r);
    std::vector<STrack> lost(r.count(kTrackBytes));
    for (auto& t : lost) t = read_track(r);

    const bool owned = ids == nullptr;
    if (owned) {
        ids = std::make_shared<IdCounter>(id_start);
        ids->set_next(id_next);
    }
    BYTETracker tracker(config, ids);
    tracker.set_id_counter(std::move(ids), owned);
    tracker.restore(frame_id, std::move(tracked), std::move(lost));
    return tracker;
}

BYTETracker load_state(const std::string& blob, std::shared_ptr<IdCounter> ids) {
    StateReader r(blob.data(), blob.size());
    BYTETracker tracker = read_byte_tracker(r, std::move(ids));
    r.finish();
    return tracker;
}

}  // namespace bytetrack
