#include "bytetrack/tracker_state.hpp"

#include "bytetrack/lapjv.hpp"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bytetrack {

namespace {

constexpr const char* kByteTrackerName = "BYTETracker";

// Fixed part of an encoded STrack, to bound list lengths read from a blob.
constexpr std::size_t kTrackBytes = 8 * (8 + 16 + 4 + 1 + 8) + 4 + 2;

// Far beyond anything a tracker reaches from valid input, and small enough that
// the Kalman filter's products of three such numbers stay finite.
constexpr double kMaxMagnitude = 1e100;

bool all_within(const double* v, int n, double limit) {
    for (int k = 0; k < n; ++k) {
        if (!(std::fabs(v[k]) <= limit)) return false;  // also catches NaN
    }
    return true;
}

bool all_plausible(const double* v, int n) { return all_within(v, n, kMaxMagnitude); }

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
    w.u32(static_cast<std::uint32_t>(c.preset));
    w.i64(c.min_consecutive_frames);
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
    const std::uint32_t preset = r.u32();
    if (preset > static_cast<std::uint32_t>(Preset::Supervision030)) StateReader::fail("unknown preset");
    c.preset = static_cast<Preset>(preset);
    const std::int64_t min_consecutive = r.i64();
    if (min_consecutive < -2147483647 || min_consecutive > 2147483647)
        StateReader::fail("min_consecutive_frames out of range");
    c.min_consecutive_frames = static_cast<int>(min_consecutive);
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
    w.boolean(t.mean_f32);
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
    t.mean_f32 = r.boolean();
    // A corrupted blob would only fail later, inside update(); refuse it here.
    const double box[4] = {t.box.x1, t.box.y1, t.box.x2, t.box.y2};
    if (!all_plausible(t.kf.mean, 8) || !all_plausible(t.kf.p_pp, 4) || !all_plausible(t.kf.p_pv, 4) ||
        !all_plausible(t.kf.p_vp, 4) || !all_plausible(t.kf.p_vv, 4) || !all_plausible(box, 4) ||
        !std::isfinite(t.score))
        StateReader::fail("implausible number in a track (corrupted state)");
    // A float32 mean (supervision) must fit float32 arithmetic, w = a * h included.
    if (t.mean_f32 && !(all_within(t.kf.mean, 8, 1e16) && std::fabs(t.kf.mean[2] * t.kf.mean[3]) <= 1e16))
        StateReader::fail("implausible float32 track (corrupted state)");
    if (!all_non_negative(t.kf.p_pp, 4) || !all_non_negative(t.kf.p_vv, 4))
        StateReader::fail("negative variance in a track (corrupted state)");
    // Each (position, velocity) block is a covariance: |cov| <= sqrt(var_p var_v),
    // with slack for the reference's rounding.
    for (int k = 0; k < 4; ++k) {
        const double bound = 1.001 * std::sqrt(t.kf.p_pp[k] * t.kf.p_vv[k]) + 1e-300;
        if (!(std::fabs(t.kf.p_pv[k]) <= bound) || !(std::fabs(t.kf.p_vp[k]) <= bound))
            StateReader::fail("covariance block is not positive semi-definite (corrupted state)");
    }
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

void write_supervision_config(StateWriter& w, const SupervisionConfig& c) {
    w.f64(c.track_activation_threshold);
    w.i64(c.lost_track_buffer);
    w.f64(c.minimum_matching_threshold);
    w.f64(c.frame_rate);
    w.i64(c.minimum_consecutive_frames);
    w.u32(static_cast<std::uint32_t>(c.version));
}

SupervisionConfig read_supervision_config(StateReader& r) {
    SupervisionConfig c;
    c.track_activation_threshold = r.f64();
    const std::int64_t buffer = r.i64();
    c.minimum_matching_threshold = r.f64();
    c.frame_rate = r.f64();
    const std::int64_t min_frames = r.i64();
    const std::uint32_t version = r.u32();
    if (buffer < 0 || buffer > 2147483647 || min_frames < 0 || min_frames > 2147483647 ||
        version > static_cast<std::uint32_t>(SupervisionVersion::V0_30_9))
        StateReader::fail("bad supervision configuration");
    c.lost_track_buffer = static_cast<int>(buffer);
    c.minimum_consecutive_frames = static_cast<int>(min_frames);
    c.version = static_cast<SupervisionVersion>(version);
    return c;
}

void write_supervision_byte_track(StateWriter& w, const SupervisionByteTrack& tracker) {
    w.header("SupervisionByteTrack");
    write_supervision_config(w, tracker.config());
    write_byte_tracker(w, tracker.tracker());
}

std::string save_state(const SupervisionByteTrack& tracker) {
    StateWriter w;
    write_supervision_byte_track(w, tracker);
    return w.take();
}

SupervisionByteTrack load_supervision_state(const std::string& blob) {
    StateReader r(blob.data(), blob.size());
    SupervisionByteTrack tracker = read_supervision_byte_track(r);
    r.finish();
    return tracker;
}

SupervisionByteTrack read_supervision_byte_track(StateReader& r) {
    r.header("SupervisionByteTrack");
    SupervisionByteTrack tracker(read_supervision_config(r));  // validates the configuration
    BYTETracker core = read_byte_tracker(r);
    // The core must be the one this configuration makes.
    if (!same_encoding(tracker.tracker().config(), core.config(), write_config)) StateReader::fail("core tracker does not match the configuration");
    tracker.mutable_tracker() = std::move(core);
    return tracker;
}

// ---------------------------------------------------------------- trackers ByteTrackTracker

namespace {

constexpr const char* kTrackersName = "TrackersByteTracker";
// Fixed part of an encoded TrackersTrack.
constexpr std::size_t kTrackersTrackBytes = 8 * (8 + 4) + 1 + 8 * 3 + 8;
// Counters beyond this cannot come from any real run; refusing them keeps the
// increments in update() far from overflow.
constexpr std::int64_t kMaxCount = std::int64_t{1} << 62;

std::int64_t read_int32(StateReader& r, const char* what) {
    const std::int64_t v = r.i64();
    if (v < INT32_MIN || v > INT32_MAX) StateReader::fail(std::string(what) + " out of range");
    return v;
}

bool float32_exact(double v) {
    return std::fabs(v) <= FLT_MAX && static_cast<double>(static_cast<float>(v)) == v;
}

void write_trackers_track(StateWriter& w, const TrackersTrack& t) {
    for (double v : t.kf.x) w.f64(v);
    for (double v : t.kf.P) w.f64(v);
    w.boolean(t.kf.float32_state);
    w.i64(t.tracker_id);
    w.i64(t.updates);
    w.i64(t.time_since_update);
    w.f64(t.seconds_since_update);
}

TrackersTrack read_trackers_track(StateReader& r, TrackersVersion version, std::int64_t next_id) {
    TrackersTrack t;
    for (double& v : t.kf.x) v = r.f64();
    for (double& v : t.kf.P) v = r.f64();
    t.kf.float32_state = r.boolean();
    t.tracker_id = r.i64();
    t.updates = r.i64();
    t.time_since_update = r.i64();
    t.seconds_since_update = r.f64();
    if (!all_plausible(t.kf.x, 8) || !all_plausible(t.kf.P, 4))
        StateReader::fail("implausible number in a track (corrupted state)");
    if (version == TrackersVersion::V2_2_0) {
        // 2.2.0 keeps the covariance (and, until promoted, the state) in float32.
        for (double v : t.kf.P) {
            if (!float32_exact(v)) StateReader::fail("covariance of a 2.2.0 track is not float32 (corrupted state)");
        }
        if (t.kf.float32_state) {
            for (double v : t.kf.x) {
                if (!float32_exact(v)) StateReader::fail("float32 track holds a non-float32 value (corrupted state)");
            }
        }
    } else if (t.kf.float32_state) {
        StateReader::fail("float32 track in a 2.6.1 state (corrupted state)");
    }
    if (!(t.kf.P[0] >= 0.0) || !(t.kf.P[3] >= 0.0)) StateReader::fail("negative variance in a track (corrupted state)");
    const double bound = 1.001 * std::sqrt(t.kf.P[0] * t.kf.P[3]) + 1e-300;
    if (!(std::fabs(t.kf.P[1]) <= bound) || !(std::fabs(t.kf.P[2]) <= bound))
        StateReader::fail("covariance block is not positive semi-definite (corrupted state)");
    if (t.tracker_id < -1 || t.tracker_id >= next_id) StateReader::fail("bad tracker id in a track");
    if (t.updates < 0 || t.updates > kMaxCount || t.time_since_update < 0 || t.time_since_update > kMaxCount)
        StateReader::fail("bad counter in a track");
    if (!(t.seconds_since_update >= 0.0 && t.seconds_since_update <= kMaxMagnitude))
        StateReader::fail("bad seconds_since_update in a track");
    return t;
}

}  // namespace

void write_trackers_config(StateWriter& w, const TrackersConfig& c) {
    w.i64(c.lost_track_buffer);
    w.f64(c.frame_rate);
    w.f64(c.track_activation_threshold);
    w.i64(c.minimum_consecutive_frames);
    w.f64(c.minimum_iou_threshold);
    w.f64(c.high_conf_det_threshold);
    w.u32(static_cast<std::uint32_t>(c.version));
}

TrackersConfig read_trackers_config(StateReader& r) {
    TrackersConfig c;
    c.lost_track_buffer = static_cast<int>(read_int32(r, "lost_track_buffer"));
    c.frame_rate = r.f64();
    c.track_activation_threshold = r.f64();
    c.minimum_consecutive_frames = static_cast<int>(read_int32(r, "minimum_consecutive_frames"));
    c.minimum_iou_threshold = r.f64();
    c.high_conf_det_threshold = r.f64();
    const std::uint32_t version = r.u32();
    if (version > static_cast<std::uint32_t>(TrackersVersion::V2_6_1)) StateReader::fail("unknown trackers version");
    c.version = static_cast<TrackersVersion>(version);
    return c;
}

std::string save_state(const TrackersByteTracker& tracker) {
    StateWriter w;
    write_trackers_byte_tracker(w, tracker);
    return w.take();
}

TrackersByteTracker load_trackers_state(const std::string& blob) {
    StateReader r(blob.data(), blob.size());
    TrackersByteTracker tracker = read_trackers_byte_tracker(r);
    r.finish();
    return tracker;
}

void write_trackers_byte_tracker(StateWriter& w, const TrackersByteTracker& tracker) {
    w.header(kTrackersName);
    write_trackers_config(w, tracker.config());
    w.i64(tracker.next_id());
    double anchor = 0.0;
    const bool has_anchor = tracker.last_timestamp(anchor);
    w.boolean(has_anchor);
    w.f64(anchor);
    w.boolean(tracker.skipped());
    w.u32(static_cast<std::uint32_t>(tracker.timestamp_outcome()));
    w.u64(tracker.tracks().size());
    for (const TrackersTrack& t : tracker.tracks()) write_trackers_track(w, t);
}

TrackersByteTracker read_trackers_byte_tracker(StateReader& r) {
    r.header(kTrackersName);
    const TrackersConfig c = read_trackers_config(r);
    TrackersByteTracker tracker(c);  // validates the configuration
    const std::int64_t next_id = r.i64();
    if (next_id < 0 || next_id > kMaxCount) StateReader::fail("bad next id");
    const bool has_anchor = r.boolean();
    const double anchor = r.f64();
    if (!std::isfinite(anchor)) StateReader::fail("non-finite timestamp anchor");
    if (has_anchor && c.version == TrackersVersion::V2_2_0) StateReader::fail("timestamp anchor in a 2.2.0 state");
    const bool skipped = r.boolean();
    const std::uint32_t outcome = r.u32();
    if (outcome > static_cast<std::uint32_t>(TimestampOutcome::NonFinite)) StateReader::fail("bad timestamp outcome");
    std::vector<TrackersTrack> tracks(r.count(kTrackersTrackBytes));
    if (tracks.size() > static_cast<std::size_t>(LapjvSolver::kMaxSize)) StateReader::fail("too many tracks");
    for (auto& t : tracks) t = read_trackers_track(r, c.version, next_id);
    tracker.restore(std::move(tracks), next_id, has_anchor, anchor, skipped, static_cast<TimestampOutcome>(outcome));
    return tracker;
}

// ---------------------------------------------------------------- MultiStreamTracker

std::string save_state(const MultiStreamTracker& tracker) {
    StateWriter w;
    tracker.save_state(w);
    return w.take();
}

std::unique_ptr<MultiStreamTracker> load_multi_stream_state(const std::string& blob) {
    StateReader r(blob.data(), blob.size());
    std::unique_ptr<MultiStreamTracker> tracker = MultiStreamTracker::load_state(r);
    r.finish();
    return tracker;
}

}  // namespace bytetrack
