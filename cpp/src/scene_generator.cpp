#include "bytetrack/scene_generator.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bytetrack {

namespace {
constexpr double kReferenceArea = 1920.0 * 1080.0 / 30.0;  // image area per object
constexpr double kMeanHeight = 110.0;                          // pedestrian height, px
constexpr double kTwoPi = 6.283185307179586;
}  // namespace

SceneGenerator::SceneGenerator(const SceneConfig& config) : config_(config), state_(config.seed) {
    // Every bound keeps the arithmetic below finite and the memory bounded.
    auto require = [](bool ok, const char* message) {
        if (!ok) throw std::invalid_argument(message);
    };
    require(config.objects_per_frame >= 0.0 && config.objects_per_frame <= 1e6,
            "objects_per_frame must be in [0, 1e6]");
    require(config.mean_lifetime >= 1.0 && config.mean_lifetime <= 1e9, "mean_lifetime must be in [1, 1e9]");
    require(config.miss_rate >= 0.0 && config.miss_rate <= 1.0, "miss_rate must be in [0, 1]");
    require(config.occlusion_rate >= 0.0 && config.occlusion_rate <= 1.0, "occlusion_rate must be in [0, 1]");
    require(config.low_score_share >= 0.0 && config.low_score_share <= 1.0, "low_score_share must be in [0, 1]");
    require(config.false_positive_rate >= 0.0 && config.false_positive_rate <= 100.0,
            "false_positive_rate must be in [0, 100]");
    require(config.box_noise >= 0.0 && config.box_noise <= 10.0, "box_noise must be in [0, 10]");
    require(config.width >= 0.0 && config.width <= 1e7, "width must be in [0, 1e7] (0: automatic)");
    require(config.height >= 0.0 && config.height <= 1e7, "height must be in [0, 1e7] (0: automatic)");
    width_ = config.width;
    height_ = config.height;
    if (width_ <= 0.0 || height_ <= 0.0) {
        const double area = std::max(config.objects_per_frame, 1.0) * kReferenceArea;
        height_ = std::max(360.0, std::sqrt(area * 9.0 / 16.0));
        width_ = std::max(640.0, height_ * 16.0 / 9.0);
    }
    const int initial = static_cast<int>(std::lround(config.objects_per_frame));
    objects_.reserve(static_cast<std::size_t>(initial) + 16);
    for (int k = 0; k < initial; ++k) {
        Object o = spawn(false);
        o.remaining = 1 + static_cast<int>(uniform() * 2.0 * config.mean_lifetime);
        objects_.push_back(o);
    }
}

// splitmix64: tiny, fast and identical on every platform.
double SceneGenerator::uniform() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
}

double SceneGenerator::normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

int SceneGenerator::poisson(double mean) {
    if (mean <= 0.0) return 0;
    if (mean > 30.0) return std::max(0, static_cast<int>(std::lround(mean + std::sqrt(mean) * normal())));
    const double limit = std::exp(-mean);
    int k = 0;
    for (double p = uniform(); p > limit; p *= uniform()) ++k;
    return k;
}

SceneGenerator::Object SceneGenerator::spawn(bool at_border) {
    Object o{};
    const bool vehicle = uniform() < 0.1;
    o.class_id = vehicle ? 2 : 0;
    o.h = kMeanHeight * std::exp(0.35 * normal()) * (vehicle ? 0.8 : 1.0);
    o.aspect = vehicle ? 1.8 * std::exp(0.15 * normal()) : 0.41 * std::exp(0.1 * normal());
    const double speed = o.h / kMeanHeight;
    o.vx = 1.5 * speed * normal() * (vehicle ? 3.0 : 1.0);
    o.vy = 0.3 * speed * normal();
    o.growth = 0.002 * normal();
    o.cy = o.h / 2.0 + uniform() * std::max(1.0, height_ - o.h);
    if (at_border) {
        const double w = o.h * o.aspect;
        const bool left = uniform() < 0.5;
        o.cx = left ? -w / 4.0 : width_ + w / 4.0;
        o.vx = (left ? 1.0 : -1.0) * std::fabs(o.vx) + (left ? 0.3 : -0.3);
    } else {
        o.cx = uniform() * width_;
    }
    o.remaining = 1 + static_cast<int>(-std::log(1.0 - uniform()) * config_.mean_lifetime);
    o.occluded = 0;
    o.id = next_object_id_++;
    return o;
}

void SceneGenerator::emit(double cx, double cy, double w, double h, double score, std::int64_t cls,
                          std::int64_t id) {
    const double noise = config_.box_noise * h;
    double x1 = cx - w / 2.0 + noise * normal();
    double x2 = cx + w / 2.0 + noise * normal();
    double y1 = cy - h / 2.0 + noise * normal();
    double y2 = cy + h / 2.0 + noise * normal();
    // Detectors clip to the image; drop what is left as a sliver.
    x1 = std::max(0.0, x1);
    y1 = std::max(0.0, y1);
    x2 = std::min(width_, x2);
    y2 = std::min(height_, y2);
    if (x2 - x1 < 2.0 || y2 - y1 < 2.0) return;
    rows_.push_back(Row{x1, y1, x2, y2, score, cls, id});
}

bool SceneGenerator::next(SceneFrame& out) {
    if (config_.num_frames >= 0 && frame_ >= config_.num_frames) return false;
    ++frame_;
    rows_.clear();

    // Move objects; drop those whose time is up or that left the image.
    std::size_t kept = 0;
    for (std::size_t k = 0; k < objects_.size(); ++k) {
        Object o = objects_[k];
        o.vx += 0.05 * normal();
        o.vy += 0.02 * normal();
        o.cx += o.vx;
        o.cy += o.vy;
        o.h *= 1.0 + o.growth;
        o.h = std::min(std::max(o.h, 20.0), height_ * 0.9);
        const double w = o.h * o.aspect;
        const bool outside = o.cx + w / 2.0 < 0.0 || o.cx - w / 2.0 > width_ || o.cy + o.h / 2.0 < 0.0 ||
                             o.cy - o.h / 2.0 > height_;
        if (--o.remaining <= 0 || outside) continue;
        objects_[kept++] = o;
    }
    objects_.resize(kept);

    // Births keep the population near its target: steady turnover plus refill.
    const double target = config_.objects_per_frame;
    const double deficit = std::max(0.0, target - static_cast<double>(objects_.size()));
    const int births = poisson(target / config_.mean_lifetime + 0.1 * deficit);
    for (int b = 0; b < births; ++b) objects_.push_back(spawn(uniform() < 0.5));

    for (Object& o : objects_) {
        if (o.occluded == 0 && uniform() < config_.occlusion_rate) o.occluded = 5 + static_cast<int>(uniform() * 35.0);
        double score;
        if (o.occluded > 0) {
            --o.occluded;
            if (uniform() < 0.5) continue;  // fully hidden
            score = 0.1 + 0.4 * uniform();  // partly hidden: low score
        } else {
            if (uniform() < config_.miss_rate) continue;
            score = uniform() < config_.low_score_share ? 0.1 + 0.4 * uniform()
                                                        : std::min(0.99, std::max(0.5, 0.82 + 0.1 * normal()));
        }
        emit(o.cx, o.cy, o.h * o.aspect, o.h, score, o.class_id, o.id);
    }
    const int false_positives = poisson(config_.false_positive_rate * static_cast<double>(objects_.size()));
    for (int k = 0; k < false_positives; ++k) {
        const double h = kMeanHeight * std::exp(0.5 * normal());
        emit(uniform() * width_, uniform() * height_, h * 0.5 * std::exp(0.3 * normal()), h,
             0.05 + 0.55 * uniform(), 0, -1);
    }

    std::stable_sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) { return a.score > b.score; });
    const std::size_t n = rows_.size();
    out.xyxy.resize(4 * n);
    out.scores.resize(n);
    out.class_ids.resize(n);
    out.object_ids.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Row& r = rows_[i];
        out.xyxy[4 * i + 0] = r.x1;
        out.xyxy[4 * i + 1] = r.y1;
        out.xyxy[4 * i + 2] = r.x2;
        out.xyxy[4 * i + 3] = r.y2;
        out.scores[i] = r.score;
        out.class_ids[i] = r.class_id;
        out.object_ids[i] = r.object_id;
    }
    return true;
}

}  // namespace bytetrack
