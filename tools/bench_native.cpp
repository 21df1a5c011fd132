// C++-only benchmark: BYTETracker::update on SceneGenerator scenes, no Python.
//
//   bench_native [objects_per_frame ...] [--frames F] [--seed S] [--repeat R]
//   bench_native --csv FILE [--repeat R]
//
// --csv reads a recorded sequence: a line "#..." starts a frame, every other
// line is "x1,y1,x2,y2,score" (benchmarks/run.py --native writes these).
//
// For each scene, the frames are generated up front; then a fresh tracker runs
// over all of them R times (the first run warms the buffers) and the median and
// mean time per update of the later runs are printed. Under callgrind use
// --repeat 1 and few frames: instruction counts are then exactly repeatable.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/scene_generator.hpp"

using namespace bytetrack;

namespace {

struct Scene {
    std::vector<SceneFrame> frames;
    double dets_per_frame = 0.0;
};

Scene make_scene(double objects, int frames, std::uint64_t seed) {
    SceneConfig c;
    c.num_frames = frames;
    c.objects_per_frame = objects;
    c.seed = seed;
    SceneGenerator g(c);
    Scene s;
    SceneFrame f;
    std::size_t total = 0;
    while (g.next(f)) {
        total += f.size();
        s.frames.push_back(f);
    }
    s.dets_per_frame = s.frames.empty() ? 0.0 : static_cast<double>(total) / s.frames.size();
    return s;
}

Scene read_csv(const char* path) {
    Scene s;
    std::FILE* f = std::fopen(path, "r");
    if (!f) {
        std::fprintf(stderr, "cannot open %s\n", path);
        std::exit(2);
    }
    char line[512];
    std::size_t total = 0;
    while (std::fgets(line, sizeof line, f)) {
        if (line[0] == '#') {
            s.frames.emplace_back();
            continue;
        }
        double b[5];
        if (s.frames.empty() ||
            std::sscanf(line, "%lf,%lf,%lf,%lf,%lf", &b[0], &b[1], &b[2], &b[3], &b[4]) != 5)
            continue;
        SceneFrame& fr = s.frames.back();
        fr.xyxy.insert(fr.xyxy.end(), b, b + 4);
        fr.scores.push_back(b[4]);
        fr.class_ids.push_back(0);
        fr.object_ids.push_back(-1);
        ++total;
    }
    std::fclose(f);
    s.dets_per_frame = s.frames.empty() ? 0.0 : static_cast<double>(total) / s.frames.size();
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<double> objects;
    int frames = 300, repeat = 3;
    std::uint64_t seed = 1;
    const char* csv = nullptr;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--csv" && i + 1 < argc) {
            csv = argv[++i];
        } else if (a == "--frames" && i + 1 < argc) {
            frames = std::atoi(argv[++i]);
        } else if (a == "--seed" && i + 1 < argc) {
            seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (a == "--repeat" && i + 1 < argc) {
            repeat = std::max(1, std::atoi(argv[++i]));
        } else {
            objects.push_back(std::atof(a.c_str()));
        }
    }
    if (csv) objects = {0};
    if (objects.empty()) objects = {5, 26, 120, 400, 1000, 3000, 10000};
    std::printf("%10s %10s %8s %14s %14s %10s\n", "objects", "det/frame", "frames", "median_us", "mean_us",
                "tracks_out");
    for (double obj : objects) {
        const Scene scene = csv ? read_csv(csv) : make_scene(obj, frames, seed);
        std::vector<double> times;
        std::size_t outputs = 0;
        for (int r = 0; r < repeat; ++r) {
            BYTETracker tracker{TrackerConfig{}};
            const bool record = repeat == 1 || r > 0;
            for (const SceneFrame& f : scene.frames) {
                const auto t0 = std::chrono::steady_clock::now();
                const auto& out = tracker.update(f.xyxy.data(), f.scores.data(), f.class_ids.data(), f.size());
                const auto t1 = std::chrono::steady_clock::now();
                if (record) times.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
                if (r == 0) outputs += out.size();
            }
        }
        std::vector<double> sorted = times;
        std::sort(sorted.begin(), sorted.end());
        double sum = 0.0;
        for (double t : times) sum += t;
        const double median = sorted.empty() ? 0.0 : sorted[sorted.size() / 2];
        std::printf("%10.0f %10.1f %8zu %14.3f %14.3f %10zu\n", obj, scene.dets_per_frame, scene.frames.size(),
                    median, times.empty() ? 0.0 : sum / times.size(), outputs);
    }
    return 0;
}
