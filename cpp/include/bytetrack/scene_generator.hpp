// Synthetic, deterministic detection streams for demos, benchmarks and soak tests.
#pragma once

#include <cstdint>
#include <vector>

namespace bytetrack {

struct SceneConfig {
    int num_frames = 300;              // frames next() will produce (< 0: unbounded)
    double objects_per_frame = 20.0;   // mean number of objects present
    // Image size; 0 sizes the image so that density matches a street scene
    // (about 30 pedestrians in 1920 x 1080), which keeps overlap statistics the
    // same at any object count.
    double width = 0.0;
    double height = 0.0;
    double mean_lifetime = 300.0;       // frames an object stays, on average
    double miss_rate = 0.05;            // chance a visible object is not detected
    double occlusion_rate = 0.01;       // per object and frame: chance an occlusion starts
    double low_score_share = 0.15;      // share of visible detections scored in [0.1, 0.5)
    double false_positive_rate = 0.05;  // false positives per object and frame
    double box_noise = 0.03;            // edge jitter, relative to the box height
    std::uint64_t seed = 0;
};

// One frame of detections; rows are sorted by descending score, like NMS output.
struct SceneFrame {
    std::vector<double> xyxy;  // n x 4, row-major
    std::vector<double> scores;
    std::vector<std::int64_t> class_ids;
    std::vector<std::int64_t> object_ids;  // ground-truth object, -1 for false positives
    std::size_t size() const { return scores.size(); }
};

class SceneGenerator {
public:
    explicit SceneGenerator(const SceneConfig& config);

    // Writes the next frame into `out` (reusing its buffers); false when done.
    bool next(SceneFrame& out);
    int frame() const { return frame_; }
    double width() const { return width_; }
    double height() const { return height_; }
    const SceneConfig& config() const { return config_; }

private:
    struct Object {
        double cx, cy, h, aspect, vx, vy, growth;
        int remaining, occluded;
        std::int64_t id, class_id;
    };
    struct Row {
        double x1, y1, x2, y2, score;
        std::int64_t class_id, object_id;
    };

    double uniform();  // [0, 1)
    double normal();
    int poisson(double mean);
    Object spawn(bool at_border);
    void emit(double cx, double cy, double w, double h, double score, std::int64_t cls, std::int64_t id);

    SceneConfig config_;
    double width_ = 0.0, height_ = 0.0;
    std::uint64_t state_;
    int frame_ = 0;
    std::int64_t next_object_id_ = 0;
    std::vector<Object> objects_;
    std::vector<Row> rows_;
};

}  // namespace bytetrack
