// C++-only throughput of MultiStreamTracker::update_batch (no Python), to
// separate the tracker's own thread scaling from the binding's overhead.
//
//   bench_multistream_native [streams] [frames] [objects_per_frame] [repeats]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "bytetrack/multi_stream_tracker.hpp"
#include "bytetrack/scene_generator.hpp"

int main(int argc, char** argv) {
    const int streams = argc > 1 ? std::atoi(argv[1]) : 64;
    const int frames = argc > 2 ? std::atoi(argv[2]) : 300;
    const double objects = argc > 3 ? std::atof(argv[3]) : 25.0;
    const int repeats = argc > 4 ? std::atoi(argv[4]) : 5;
    // atoi/atof give 0 for "--help" or a typo: print the usage rather than a meaningless rate.
    if (argc > 5 || streams < 1 || frames < 1 || !(objects > 0.0) || repeats < 1) {
        std::fprintf(stderr, "usage: bench_multistream_native [streams 64] [frames 300] [objects_per_frame 25] [repeats 5]\n"
                             "       (each a positive number)\n");
        return 2;
    }
    std::vector<std::vector<bytetrack::SceneFrame>> scenes(static_cast<std::size_t>(streams));
    for (int s = 0; s < streams; ++s) {
        bytetrack::SceneConfig config;
        config.num_frames = frames;
        config.objects_per_frame = objects;
        config.seed = 1000 + static_cast<std::uint64_t>(s);  // the Python benchmark's scenes
        bytetrack::SceneGenerator generator(config);
        bytetrack::SceneFrame f;
        while (generator.next(f)) scenes[s].push_back(f);
    }
    std::vector<bytetrack::StreamFrame> batch(static_cast<std::size_t>(streams));
    double best[3] = {1e30, 1e30, 1e30};
    for (int r = 0; r < repeats; ++r) {
        for (int threads = 1; threads <= 2; ++threads) {
            auto engine = std::make_shared<bytetrack::ByteTrackEngineFactory>(bytetrack::TrackerConfig());
            bytetrack::MultiStreamTracker tracker(engine, threads);
            bytetrack::BatchResult out;
            const auto t0 = std::chrono::steady_clock::now();
            for (int t = 0; t < frames; ++t) {
                for (int s = 0; s < streams; ++s) {
                    const auto& f = scenes[s][static_cast<std::size_t>(t)];
                    batch[s] = bytetrack::StreamFrame{static_cast<std::uint64_t>(s), f.xyxy.data(), f.scores.data(),
                                                      nullptr, f.size()};
                }
                tracker.update_batch(batch.data(), batch.size(), out);
            }
            const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            best[threads] = std::min(best[threads], dt);
        }
    }
    const double n = static_cast<double>(streams) * frames;
    for (int threads = 1; threads <= 2; ++threads)
        std::printf("threads=%d: %8.0f stream-frames/s (%.2f us each), best of %d\n", threads, n / best[threads],
                    best[threads] / n * 1e6, repeats);
    std::printf("threads=2 / threads=1: %.2fx\n", best[1] / best[2]);
    return 0;
}
