// Verifies MultiStreamTracker::update_batch allocates nothing once warm, for
// each engine ("bytetrack", "supervision", "trackers"): 16 streams, each a
// generated scene played three times in a row; the third play must not
// allocate (the first two grow every buffer to its steady size). Also checks
// that one and two threads give identical results.
//
//   multistream_alloc_check [frames] [objects_per_frame]
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "bytetrack/compat_engines.hpp"
#include "bytetrack/multi_stream_tracker.hpp"
#include "bytetrack/scene_generator.hpp"
#include "alloc_counter.hpp"


int main(int argc, char** argv) {
    const int frames = argc > 1 ? std::atoi(argv[1]) : 300;
    const double objects = argc > 2 ? std::atof(argv[2]) : 25.0;
    const int streams = 16;
    std::vector<std::vector<bytetrack::SceneFrame>> scenes(streams);
    for (int s = 0; s < streams; ++s) {
        bytetrack::SceneConfig scene;
        scene.num_frames = frames;
        scene.objects_per_frame = objects;
        scene.seed = 100 + static_cast<std::uint64_t>(s);
        bytetrack::SceneGenerator generator(scene);
        bytetrack::SceneFrame f;
        while (generator.next(f)) scenes[s].push_back(f);
    }
    const std::shared_ptr<const bytetrack::EngineFactory> engines[] = {
        std::make_shared<bytetrack::ByteTrackEngineFactory>(bytetrack::TrackerConfig()),
        std::make_shared<bytetrack::SupervisionEngineFactory>(bytetrack::SupervisionConfig()),
        std::make_shared<bytetrack::TrackersEngineFactory>(bytetrack::TrackersConfig())};
    int failures = 0;
    for (const auto& engine : engines) {
        std::vector<std::int64_t> checksums;
        for (int threads : {1, 2}) {
            bytetrack::MultiStreamTracker tracker(engine, threads);
            bytetrack::BatchResult out;
            std::vector<bytetrack::StreamFrame> batch(streams);
            long long counts[3] = {0, 0, 0};
            std::int64_t checksum = 0;
            for (int play = 0; play < 3; ++play) {
                const long long before = alloc_counter::count();
                for (int t = 0; t < frames; ++t) {
                    for (int s = 0; s < streams; ++s) {
                        const auto& f = scenes[s][static_cast<std::size_t>(t)];
                        // Large, scattered stream ids.
                        batch[s] = bytetrack::StreamFrame{0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(s + 1),
                                                          f.xyxy.data(), f.scores.data(), f.class_ids.data(), f.size()};
                    }
                    tracker.update_batch(batch.data(), batch.size(), out);
                    for (std::size_t k = 0; k < out.size(); ++k) {
                        for (std::size_t i = 0; i < out.num_tracks(k); ++i)
                            checksum = checksum * 31 + out.tracks(k)[i].track_id + static_cast<std::int64_t>(k);
                    }
                }
                counts[play] = alloc_counter::count() - before;
            }
            checksums.push_back(checksum);
            const bool ok = counts[2] == 0;
            std::printf("%s threads=%d: allocations per play %lld, %lld, %lld (%d streams x %d frames): %s\n",
                        engine->name().c_str(), threads, counts[0], counts[1], counts[2], streams, frames,
                        ok ? "ok" : "FAIL");
            failures += ok ? 0 : 1;
        }
        const bool same = checksums[0] == checksums[1];
        std::printf("%s: threads=1 and threads=2 results %s\n", engine->name().c_str(), same ? "identical" : "DIFFER");
        failures += same ? 0 : 1;
    }
    return failures ? 1 : 0;
}
