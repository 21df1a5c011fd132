#include "bytetrack/supervision_byte_track.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "bytetrack/supervision_iou.hpp"

namespace bytetrack {

SupervisionVersion parse_supervision_version(const std::string& name) {
    if (name == "0.27.0.post1") return SupervisionVersion::V0_27_0_post1;
    if (name == "0.30.9") return SupervisionVersion::V0_30_9;
    throw std::invalid_argument("version: unsupported supervision version '" + name +
                                "' (expected '0.27.0.post1' or '0.30.9')");
}

const char* supervision_version_name(SupervisionVersion version) {
    return version == SupervisionVersion::V0_27_0_post1 ? "0.27.0.post1" : "0.30.9";
}

TrackerConfig SupervisionByteTrack::core_config(const SupervisionConfig& c) {
    TrackerConfig t;
    t.track_thresh = c.track_activation_threshold;
    t.track_buffer = c.lost_track_buffer;
    t.match_thresh = c.minimum_matching_threshold;
    t.frame_rate = c.frame_rate;
    t.min_consecutive_frames = c.minimum_consecutive_frames;
    t.preset = c.version == SupervisionVersion::V0_27_0_post1 ? Preset::Supervision027 : Preset::Supervision030;
    return t;
}

SupervisionByteTrack::SupervisionByteTrack(const SupervisionConfig& config)
    : config_(config), tracker_(core_config(config)) {}

std::size_t SupervisionByteTrack::update(const double* xyxy, const double* confidence, std::size_t n,
                                         bool float32_input, std::int64_t* tracker_ids) {
    // The output step below is dense (rows x reported tracks, and reported tracks
    // <= tracked + rows): refuse sizes that would need gigabytes, before any
    // state changes (the core tracker checks its own association sizes).
    if (tracker_.tracked_slots().size() + n > static_cast<std::size_t>(LapjvSolver::kMaxSize))
        throw std::invalid_argument("detections: " + std::to_string(n) + " rows with " +
                                    std::to_string(tracker_.tracked_slots().size()) +
                                    " tracked tracks exceed the size limit (tracks + rows <= " +
                                    std::to_string(LapjvSolver::kMaxSize) + ")");
    const std::vector<TrackOutput>& tracks = tracker_.update(xyxy, confidence, nullptr, n, float32_input);
    std::fill(tracker_ids, tracker_ids + n, std::int64_t{-1});
    const std::size_t m = tracks.size();
    if (m == 0 || n == 0) return m;

    // IoU of every input row (the unfiltered stack, in its own dtype) with every
    // reported track's box; cost = float32(1 - IoU); supervision's
    // linear_assignment with 0.5.
    const bool v027 = config_.version == SupervisionVersion::V0_27_0_post1;
    // The reported tracks all still hold the float32 mean of their detection on
    // frame 1 (births reported at once), and none does later (every reported
    // track was updated this frame), so NumPy computes their boxes in float32
    // exactly on frame 1.
    const bool tracks_f32 = tracker_.frame_id() == 1;
    track_area_.resize(m);
    for (std::size_t j = 0; j < m; ++j) {
        track_area_[j] = v027 ? area_supervision027(tracks[j].box, tracks_f32) : area_supervision030(tracks[j].box);
    }
    cost_.resize(n * m);
    for (std::size_t i = 0; i < n; ++i) {
        const double* b = xyxy + 4 * i;
        const Box det{b[0], b[1], b[2], b[3]};
        const double det_area = v027 ? area_supervision027(det, float32_input) : area_supervision030(det);
        double* out = cost_.data() + i * m;
        for (std::size_t j = 0; j < m; ++j) {
            const float iou =
                v027 ? iou_supervision027(det, det_area, float32_input, tracks[j].box, track_area_[j], tracks_f32)
                     : iou_supervision030(det, det_area, tracks[j].box, track_area_[j]);
            out[j] = 1.0f - iou;
        }
    }
    const double limit = static_cast<double>(0.5f);
    const double clamp = static_cast<double>(static_cast<float>(0.5 + 1e-4));
    for (double& v : cost_) {
        if (v > limit) v = clamp;
    }
    const int k = static_cast<int>(std::min(n, m));
    rows_.resize(k);
    cols_.resize(k);
    if (lsa_.solve(cost_.data(), static_cast<int>(n), static_cast<int>(m), false, rows_.data(), cols_.data()) < 0)
        throw std::runtime_error("linear_sum_assignment failed on a finite cost matrix");
    for (int p = 0; p < k; ++p) {
        if (cost_[static_cast<std::size_t>(rows_[p]) * m + cols_[p]] <= limit)
            tracker_ids[rows_[p]] = tracks[cols_[p]].track_id;
    }
    return m;
}

}  // namespace bytetrack
