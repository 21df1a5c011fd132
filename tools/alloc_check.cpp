// Verifies the per-frame path allocates nothing once warm: runs a tracker over a
// generated scene, resets it (buffers keep their capacity), runs the same scene
// again and counts heap allocations during the second pass. Exit code 1 if any.
//
//   alloc_check [frames] [objects_per_frame]
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/scene_generator.hpp"
#include "alloc_counter.hpp"
#include "bytetrack/supervision_byte_track.hpp"
#include "bytetrack/trackers_tracker.hpp"


int main(int argc, char** argv) {
    const int frames = argc > 1 ? std::atoi(argv[1]) : 2000;
    const double objects = argc > 2 ? std::atof(argv[2]) : 40.0;
    bytetrack::SceneConfig scene;
    scene.num_frames = frames;
    scene.objects_per_frame = objects;
    scene.mean_lifetime = 120.0;
    scene.seed = 7;
    std::vector<bytetrack::SceneFrame> recorded;
    {
        bytetrack::SceneGenerator generator(scene);
        bytetrack::SceneFrame f;
        while (generator.next(f)) recorded.push_back(f);
    }
    int failures = 0;
    for (const char* preset : {"ifzhang", "ifzhang-cpp", "ifzhang-cpp-2021"}) {
        bytetrack::TrackerConfig config;
        config.preset = bytetrack::parse_preset(preset);
        bytetrack::BYTETracker tracker(config);
        long long counts[2] = {0, 0};
        std::size_t outputs[2] = {0, 0};
        for (int pass = 0; pass < 2; ++pass) {
            tracker.reset();
            const long long before = alloc_counter::count();
            for (const auto& f : recorded) {
                const auto& out = tracker.update(f.xyxy.data(), f.scores.data(), f.class_ids.data(), f.size());
                outputs[pass] += out.size();
            }
            counts[pass] = alloc_counter::count() - before;
        }
        const bool ok = counts[1] == 0 && outputs[0] == outputs[1];
        std::printf("%-17s first pass %lld allocations, warm pass %lld allocations over %d frames: %s\n", preset,
                    counts[0], counts[1], frames, ok ? "ok" : "FAIL");
        failures += ok ? 0 : 1;
    }
    // supervision presets, including the post-hoc assignment of input rows.
    for (const char* version : {"0.27.0.post1", "0.30.9"}) {
        for (int min_frames : {1, 3}) {
            bytetrack::SupervisionConfig config;
            config.version = bytetrack::parse_supervision_version(version);
            config.minimum_consecutive_frames = min_frames;
            bytetrack::SupervisionByteTrack tracker(config);
            std::vector<std::int64_t> ids(4096);
            long long counts[2] = {0, 0};
            long long reported[2] = {0, 0};
            for (int pass = 0; pass < 2; ++pass) {
                tracker.reset();
                const long long before = alloc_counter::count();
                for (const auto& f : recorded) {
                    if (f.size() > ids.size()) return 2;
                    tracker.update(f.xyxy.data(), f.scores.data(), f.size(), false, ids.data());
                    for (std::size_t i = 0; i < f.size(); ++i) reported[pass] += ids[i] >= 0 ? 1 : 0;
                }
                counts[pass] = alloc_counter::count() - before;
            }
            const bool ok = counts[1] == 0 && reported[0] == reported[1];
            std::printf("sv %-12s min=%d first pass %lld allocations, warm pass %lld allocations over %d frames: %s\n",
                        version, min_frames, counts[0], counts[1], frames, ok ? "ok" : "FAIL");
            failures += ok ? 0 : 1;
        }
    }
    // roboflow trackers engine, both versions.
    for (const char* version : {"2.2.0", "2.6.1"}) {
        bytetrack::TrackersConfig config;
        config.version = bytetrack::parse_trackers_version(version);
        config.track_activation_threshold = 0.5;
        bytetrack::TrackersByteTracker tracker(config);
        long long counts[2] = {0, 0};
        std::size_t outputs[2] = {0, 0};
        for (int pass = 0; pass < 2; ++pass) {
            tracker.reset();
            const long long before = alloc_counter::count();
            for (const auto& f : recorded) {
                bytetrack::TrackersFrame in;
                in.xyxy = f.xyxy.data();
                in.xyxy_float32 = false;
                in.confidence = f.scores.data();
                in.n = f.size();
                outputs[pass] += tracker.update(in);
            }
            counts[pass] = alloc_counter::count() - before;
        }
        const bool ok = counts[1] == 0 && outputs[0] == outputs[1];
        std::printf("trackers %-8s first pass %lld allocations, warm pass %lld allocations over %d frames: %s\n",
                    version, counts[0], counts[1], frames, ok ? "ok" : "FAIL");
        failures += ok ? 0 : 1;
    }
    return failures ? 1 : 0;
}
