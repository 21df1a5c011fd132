// Runs every tracker engine over generated scenes with no Python involved, for
// valgrind and the sanitizer build (tools/memcheck.sh). Besides plain updates it
// exercises reset, a shared id counter, state save/restore (checking that the
// restored tracker continues identically) and invalid input (checking that the
// exception leaves the state untouched). Exit status 0 only if every check holds.
//
//   memcheck_driver ENGINE|all FRAMES OBJECTS_PER_FRAME SEED
//   memcheck_driver --list
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/compat_engines.hpp"
#include "bytetrack/id_counter.hpp"
#include "bytetrack/lapjv.hpp"
#include "bytetrack/multi_stream_tracker.hpp"
#include "bytetrack/scene_generator.hpp"
#include "bytetrack/supervision_byte_track.hpp"
#include "bytetrack/tracker_engine.hpp"
#include "bytetrack/tracker_state.hpp"
#include "bytetrack/trackers_tracker.hpp"

using namespace bytetrack;

// GCC cannot see that the operator new below is malloc-based.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// Counts heap allocations, to report those made by warm tracker updates (the
// design allows none in the per-frame hot path once the buffers have grown).
static unsigned long long g_allocations = 0;

// Every non-aligned form is replaced, so that sanitizers see matching pairs;
// noinline because valgrind intercepts these symbols and they must stay calls.
namespace {
void* counted_malloc(std::size_t size) noexcept {
    ++g_allocations;
    return std::malloc(size ? size : 1);
}
}  // namespace
__attribute__((noinline)) void* operator new(std::size_t size) {
    if (void* p = counted_malloc(size)) return p;
    throw std::bad_alloc();
}
__attribute__((noinline)) void* operator new[](std::size_t size) {
    if (void* p = counted_malloc(size)) return p;
    throw std::bad_alloc();
}
__attribute__((noinline)) void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return counted_malloc(size);
}
__attribute__((noinline)) void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return counted_malloc(size);
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

int g_failures = 0;

// False under valgrind, which replaces operator new with its own.
bool counting_works() {
    const unsigned long long before = g_allocations;
    auto probe = std::make_unique<volatile int>(1);
    return g_allocations != before && *probe == 1;
}

// Messages are C strings so that passing checks allocate nothing.
void check(bool ok, const char* what, long long frame = -1) {
    if (!ok) {
        ++g_failures;
        std::fprintf(stderr, "FAIL: %s (frame %lld)\n", what, frame);
    }
}

// One output row, engine independent.
struct Row {
    std::int64_t id;
    double x1, y1, x2, y2;
    bool operator==(const Row& o) const {
        // Bitwise: a restored tracker must continue to the last bit.
        return id == o.id && std::memcmp(&x1, &o.x1, sizeof(double) * 4) == 0;
    }
};

// What the driver needs from an engine. One adapter per engine below; adding an
// engine is one class and one line in engine_table().
class Engine {
public:
    virtual ~Engine() = default;
    // Throws std::invalid_argument on invalid input.
    virtual void update(const double* xyxy, const double* scores, const std::int64_t* classes, std::size_t n,
                        std::vector<Row>& out) = 0;
    virtual void reset() = 0;
    // Complete state, or "" if the engine has no save/restore.
    virtual std::string save() const = 0;
    // A new engine from a saved state (its own id counter).
    virtual std::unique_ptr<Engine> load(const std::string& state) const = 0;
    virtual std::int64_t frame_id() const = 0;
};

class ByteTrackerEngine : public Engine {
public:
    ByteTrackerEngine(const TrackerConfig& c, std::shared_ptr<IdCounter> ids) : tracker_(c, std::move(ids)) {}
    explicit ByteTrackerEngine(BYTETracker t) : tracker_(std::move(t)) {}
    void update(const double* xyxy, const double* scores, const std::int64_t* classes, std::size_t n,
                std::vector<Row>& out) override {
        out.clear();
        for (const TrackOutput& o : tracker_.update(xyxy, scores, classes, n))
            out.push_back(Row{o.track_id, o.box.x1, o.box.y1, o.box.x2, o.box.y2});
    }
    void reset() override { tracker_.reset(); }
    std::string save() const override { return save_state(tracker_); }
    std::unique_ptr<Engine> load(const std::string& state) const override {
        return std::make_unique<ByteTrackerEngine>(load_state(state));
    }
    std::int64_t frame_id() const override { return tracker_.frame_id(); }

private:
    BYTETracker tracker_;
};

// supervision's sv.ByteTrack: output rows are input rows with their tracker id.
class SupervisionEngine : public Engine {
public:
    explicit SupervisionEngine(SupervisionVersion version) : tracker_(config(version)) {}
    explicit SupervisionEngine(SupervisionByteTrack t) : tracker_(std::move(t)) {}
    void update(const double* xyxy, const double* scores, const std::int64_t*, std::size_t n,
                std::vector<Row>& out) override {
        ids_.resize(n);
        out.clear();
        tracker_.update(xyxy, scores, n, false, ids_.data());
        for (std::size_t i = 0; i < n; ++i) {
            if (ids_[i] >= 0) out.push_back(Row{ids_[i], xyxy[4 * i], xyxy[4 * i + 1], xyxy[4 * i + 2], xyxy[4 * i + 3]});
        }
    }
    void reset() override { tracker_.reset(); }
    std::string save() const override { return save_state(tracker_); }
    std::unique_ptr<Engine> load(const std::string& state) const override {
        return std::make_unique<SupervisionEngine>(load_supervision_state(state));
    }
    std::int64_t frame_id() const override { return tracker_.tracker().frame_id(); }

private:
    static SupervisionConfig config(SupervisionVersion version) {
        SupervisionConfig c;
        c.version = version;
        return c;
    }
    SupervisionByteTrack tracker_;
    std::vector<std::int64_t> ids_;
};

// roboflow trackers' ByteTrackTracker: output rows are input rows with confirmed ids.
class TrackersEngine : public Engine {
public:
    explicit TrackersEngine(TrackersVersion version) : tracker_(config(version)) {}
    TrackersEngine(TrackersByteTracker t, std::int64_t frames) : tracker_(std::move(t)), frames_(frames) {}
    void update(const double* xyxy, const double* scores, const std::int64_t*, std::size_t n,
                std::vector<Row>& out) override {
        TrackersFrame f;
        f.xyxy = xyxy;
        f.xyxy_float32 = false;
        f.confidence = scores;
        f.n = n;
        out.clear();
        const std::size_t m = tracker_.update(f);
        ++frames_;
        for (std::size_t k = 0; k < m; ++k) {
            const std::int64_t id = tracker_.ids()[k];
            const double* b = xyxy + 4 * tracker_.rows()[k];
            if (id >= 0) out.push_back(Row{id, b[0], b[1], b[2], b[3]});
        }
    }
    void reset() override {
        tracker_.reset();
        frames_ = 0;
    }
    std::string save() const override { return save_state(tracker_); }
    std::unique_ptr<Engine> load(const std::string& state) const override {
        return std::make_unique<TrackersEngine>(load_trackers_state(state), frames_);
    }
    std::int64_t frame_id() const override { return frames_; }

private:
    static TrackersConfig config(TrackersVersion version) {
        TrackersConfig c;
        c.version = version;
        return c;
    }
    TrackersByteTracker tracker_;
    std::int64_t frames_ = 0;
};

// MultiStreamTracker on two threads, with any engine: each frame is sent to
// three streams as one batch (shifted copies), and a fourth stream shows up now
// and then and is evicted in between (max_idle_frames).
class MultiStreamEngine : public Engine {
public:
    MultiStreamEngine(std::shared_ptr<const EngineFactory> engine, std::shared_ptr<IdCounter> ids)
        : tracker_(std::make_unique<MultiStreamTracker>(std::move(engine), 2, 40, std::move(ids))) {}
    MultiStreamEngine(std::unique_ptr<MultiStreamTracker> t, std::int64_t frames)
        : tracker_(std::move(t)), frames_(frames) {}
    void update(const double* xyxy, const double* scores, const std::int64_t* classes, std::size_t n,
                std::vector<Row>& out) override {
        ++frames_;
        const int streams = frames_ % 50 == 0 ? 4 : 3;
        shifted_.resize(static_cast<std::size_t>(streams) * 4 * n);
        StreamFrame batch[4];
        for (int s = 0; s < streams; ++s) {
            double* dst = shifted_.data() + static_cast<std::size_t>(s) * 4 * n;
            for (std::size_t k = 0; k < 4 * n; ++k) dst[k] = xyxy[k] + 7.0 * s;
            batch[s].stream_id = 1000 + static_cast<StreamId>(s);
            batch[s].xyxy = dst;
            batch[s].scores = scores;
            batch[s].class_ids = s == 1 ? nullptr : classes;
            batch[s].n = n;
        }
        tracker_->update_batch(batch, static_cast<std::size_t>(streams), result_);
        out.clear();
        for (std::size_t s = 0; s < result_.size(); ++s) {
            const TrackOutput* t = result_.tracks(s);
            for (std::size_t k = 0; k < result_.num_tracks(s); ++k)
                out.push_back(Row{t[k].track_id, t[k].box.x1, t[k].box.y1, t[k].box.x2, t[k].box.y2});
        }
    }
    void reset() override {
        tracker_->reset();
        frames_ = 0;
    }
    std::string save() const override { return save_state(*tracker_); }
    std::unique_ptr<Engine> load(const std::string& state) const override {
        return std::make_unique<MultiStreamEngine>(load_multi_stream_state(state), frames_);
    }
    std::int64_t frame_id() const override { return frames_; }

private:
    std::unique_ptr<MultiStreamTracker> tracker_;
    BatchResult result_;
    std::vector<double> shifted_;
    std::int64_t frames_ = 0;
};

struct EngineSpec {
    const char* name;
    std::function<std::unique_ptr<Engine>(std::shared_ptr<IdCounter>)> make;
    // Invalid configurations the engine's constructor must reject.
    std::function<void()> bad_configs;
    // Whether every hostile frame must be rejected (engines reproducing a
    // reference that drops invalid rows may accept some).
    bool rejects_all_hostile_frames;
    // Whether outputs of trackers sharing one id counter are disjoint (engines
    // with their own id rules ignore the counter).
    bool uses_id_counter;
};

std::unique_ptr<Engine> make_byte_tracker(Preset preset, std::shared_ptr<IdCounter> ids) {
    TrackerConfig c;
    c.preset = preset;
    return std::make_unique<ByteTrackerEngine>(c, std::move(ids));
}

void expect_invalid(const std::function<void()>& fn, const std::string& what) {
    try {
        fn();
        check(false, (what + ": invalid input accepted").c_str());
    } catch (const std::invalid_argument&) {
    }
}

void byte_tracker_bad_configs() {
    auto with = [](const std::function<void(TrackerConfig&)>& edit) {
        return [edit] {
            TrackerConfig c;
            edit(c);
            BYTETracker t(c);
        };
    };
    expect_invalid(with([](TrackerConfig& c) { c.track_buffer = -1; }), "track_buffer -1");
    expect_invalid(with([](TrackerConfig& c) { c.track_thresh = 1.5; }), "track_thresh 1.5");
    expect_invalid(with([](TrackerConfig& c) { c.match_thresh = -0.1; }), "match_thresh -0.1");
    expect_invalid(with([](TrackerConfig& c) { c.frame_rate = 0.0; }), "frame_rate 0");
    expect_invalid(with([](TrackerConfig& c) { c.frame_rate = std::nan(""); }), "frame_rate NaN");
    expect_invalid([] { parse_preset("no-such-preset"); }, "unknown preset");
}

void supervision_bad_configs() {
    auto with = [](const std::function<void(SupervisionConfig&)>& edit) {
        return [edit] {
            SupervisionConfig c;
            edit(c);
            SupervisionByteTrack t(c);
        };
    };
    expect_invalid(with([](SupervisionConfig& c) { c.lost_track_buffer = -1; }), "lost_track_buffer -1");
    expect_invalid(with([](SupervisionConfig& c) { c.frame_rate = 0.0; }), "frame_rate 0");
    expect_invalid([] { parse_supervision_version("0.1"); }, "unknown supervision version");
}

void trackers_bad_configs() {
    auto with = [](const std::function<void(TrackersConfig&)>& edit) {
        return [edit] {
            TrackersConfig c;
            edit(c);
            TrackersByteTracker t(c);
        };
    };
    expect_invalid(with([](TrackersConfig& c) { c.lost_track_buffer = -1; }), "lost_track_buffer -1");
    expect_invalid(with([](TrackersConfig& c) { c.frame_rate = std::nan(""); }), "frame_rate NaN");
    expect_invalid([] { parse_trackers_version("9.9"); }, "unknown trackers version");
}

const std::vector<EngineSpec>& engine_table() {
    static const std::vector<EngineSpec> table = {
        {"ifzhang", [](std::shared_ptr<IdCounter> ids) { return make_byte_tracker(Preset::Ifzhang, ids); },
         byte_tracker_bad_configs, true, true},
        {"ifzhang-cpp", [](std::shared_ptr<IdCounter> ids) { return make_byte_tracker(Preset::IfzhangCpp, ids); },
         byte_tracker_bad_configs, true, true},
        {"ifzhang-cpp-2021",
         [](std::shared_ptr<IdCounter> ids) { return make_byte_tracker(Preset::IfzhangCpp2021, ids); },
         byte_tracker_bad_configs, true, true},
        {"supervision-0.30.9",
         [](std::shared_ptr<IdCounter>) { return std::make_unique<SupervisionEngine>(SupervisionVersion::V0_30_9); },
         supervision_bad_configs, false, false},
        {"supervision-0.27.0",
         [](std::shared_ptr<IdCounter>) {
             return std::make_unique<SupervisionEngine>(SupervisionVersion::V0_27_0_post1);
         },
         supervision_bad_configs, true, false},
        {"trackers-2.6.1",
         [](std::shared_ptr<IdCounter>) { return std::make_unique<TrackersEngine>(TrackersVersion::V2_6_1); },
         trackers_bad_configs, false, false},
        {"trackers-2.2.0",
         [](std::shared_ptr<IdCounter>) { return std::make_unique<TrackersEngine>(TrackersVersion::V2_2_0); },
         trackers_bad_configs, false, false},
        {"multistream",
         [](std::shared_ptr<IdCounter> ids) {
             return std::make_unique<MultiStreamEngine>(std::make_shared<ByteTrackEngineFactory>(TrackerConfig()), ids);
         },
         byte_tracker_bad_configs, true, true},
        {"multistream-supervision",
         [](std::shared_ptr<IdCounter> ids) {
             return std::make_unique<MultiStreamEngine>(
                 std::make_shared<SupervisionEngineFactory>(SupervisionConfig()), ids);
         },
         supervision_bad_configs, false, true},
        {"multistream-trackers",
         [](std::shared_ptr<IdCounter> ids) {
             return std::make_unique<MultiStreamEngine>(std::make_shared<TrackersEngineFactory>(TrackersConfig()),
                                                        ids);
         },
         trackers_bad_configs, false, true},
    };
    return table;
}

// Invalid frames: each must throw std::invalid_argument (or, for engines that drop
// invalid rows like their reference, may be accepted) and a rejection must leave
// the state as it was.
void hostile_frames(Engine& engine, bool must_reject) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    struct Bad {
        const char* what;
        std::vector<double> xyxy, scores;
    };
    const std::vector<Bad> cases = {
        {"NaN coordinate", {10, 10, nan, 50, 20, 20, 60, 90}, {0.9, 0.8}},
        {"inf coordinate", {10, 10, 40, 50, 20, -inf, 60, 90}, {0.9, 0.8}},
        {"zero width", {10, 10, 10, 50}, {0.9}},
        {"negative height", {10, 50, 40, 10}, {0.9}},
        {"coordinate 1e30", {10, 10, 1e30, 50}, {0.9}},
        {"NaN score", {10, 10, 40, 50}, {nan}},
        {"inf score", {10, 10, 40, 50}, {inf}},
    };
    for (const Bad& b : cases) {
        const std::string before = engine.save();
        std::vector<Row> out;
        bool rejected = false;
        try {
            engine.update(b.xyxy.data(), b.scores.data(), nullptr, b.scores.size(), out);
        } catch (const std::invalid_argument&) {
            rejected = true;
        }
        if (must_reject) check(rejected, b.what);  // the invalid input was accepted
        if (rejected) check(engine.save() == before, b.what);  // the rejected update changed the state
        for (const Row& r : out) {
            check(std::isfinite(r.x1) && std::isfinite(r.y1) && std::isfinite(r.x2) && std::isfinite(r.y2),
                  "non-finite output box after a hostile frame");
        }
    }
}

// Corrupted state blobs must be rejected with std::invalid_argument.
void hostile_states(const Engine& engine) {
    const std::string good = engine.save();
    if (good.empty()) return;  // no save/restore
    std::vector<std::string> bad = {"", "BTCS", good.substr(0, good.size() / 2), good + "x"};
    std::string version = good;
    version[4] = static_cast<char>(version[4] + 1);
    bad.push_back(version);
    std::string garbage = good;
    for (std::size_t k = 8; k < garbage.size(); k += 7) garbage[k] = static_cast<char>(0xFF);
    bad.push_back(garbage);
    for (const std::string& blob : bad) {
        try {
            std::unique_ptr<Engine> e = engine.load(blob);
            // Garbage that happens to decode must still be a usable tracker.
            std::vector<Row> out;
            const double box[4] = {1, 1, 20, 40};
            const double score = 0.9;
            e->update(box, &score, nullptr, 1, out);
            check(&blob != &bad[0] && &blob != &bad[1], "empty or header-only state accepted");
        } catch (const std::invalid_argument&) {
        }
    }
}

void scene_config(SceneConfig& c, int frames, double objects, std::uint64_t seed) {
    c.num_frames = frames;
    c.objects_per_frame = objects;
    c.seed = seed;
    c.mean_lifetime = 60.0;  // constant births and deaths
}

// Runs one engine; returns a checksum of its outputs.
std::uint64_t run_engine(const EngineSpec& spec, int frames, double objects, std::uint64_t seed) {
    spec.bad_configs();

    SceneConfig sc;
    scene_config(sc, frames, objects, seed);
    SceneGenerator scene(sc);
    SceneFrame f;

    auto shared = std::make_shared<IdCounter>(1000);
    std::unique_ptr<Engine> main_engine = spec.make(nullptr);
    std::unique_ptr<Engine> shared_a = spec.make(shared);
    std::unique_ptr<Engine> shared_b = spec.make(shared);
    std::unique_ptr<Engine> restored;  // follows main_engine after each save/restore
    std::vector<Row> out, out_restored, out_a, out_b;
    std::uint64_t checksum = 1469598103934665603ULL;
    const int save_every = std::max(1, frames / 5);
    constexpr int kFollowFrames = 100;
    constexpr int kSharedFrames = 300;
    int followed = 0;
    unsigned long long warm_allocations = 0;

    for (int k = 0; scene.next(f); ++k) {
        const std::int64_t* classes = f.class_ids.data();
        const unsigned long long allocations_before = g_allocations;
        main_engine->update(f.xyxy.data(), f.scores.data(), classes, f.size(), out);
        if (k >= frames / 10) warm_allocations += g_allocations - allocations_before;
        if (restored) {
            restored->update(f.xyxy.data(), f.scores.data(), classes, f.size(), out_restored);
            check(out == out_restored, "restored tracker diverged", k);
            // Following for a while is enough; it keeps valgrind runs short.
            if (++followed == kFollowFrames) restored.reset();
        }
        // Two trackers on one counter: ids never collide between them.
        if (k < kSharedFrames) {
            shared_a->update(f.xyxy.data(), f.scores.data(), classes, f.size(), out_a);
            shared_b->update(f.xyxy.data(), f.scores.data(), nullptr, f.size(), out_b);
            if (spec.uses_id_counter) {
                for (const Row& a : out_a) {
                    // -1: a row without an id (trackers' unconfirmed rows).
                    for (const Row& b : out_b) check(a.id < 0 || a.id != b.id, "shared id counter gave an id twice", k);
                }
            }
            if (k == kSharedFrames / 2) shared_a->reset();  // a shared counter is not reset
        }
        for (const Row& r : out) {
            checksum = (checksum ^ static_cast<std::uint64_t>(r.id)) * 1099511628211ULL;
            check(std::isfinite(r.x1) && std::isfinite(r.y1) && std::isfinite(r.x2) && std::isfinite(r.y2),
                  "non-finite output box", k);
        }
        if (k % save_every == save_every / 2) {
            // Hostile frames first: an engine that accepts some advances a frame.
            hostile_frames(*main_engine, spec.rejects_all_hostile_frames);
            if (!main_engine->save().empty()) {
                restored = main_engine->load(main_engine->save());
                followed = 0;
                check(restored->save() == main_engine->save(), "save(load(save(x))) != save(x)");
            }
            hostile_states(*main_engine);
        }
        if (k == frames / 2) {
            // Reset mid-run: both trackers start over and must keep agreeing.
            main_engine->reset();
            if (restored) restored->reset();
            check(main_engine->frame_id() == 0, "reset did not restart frame counting");
        }
        // An empty frame now and then (all tracks go lost at once).
        if (k % 97 == 0) main_engine->update(nullptr, nullptr, nullptr, 0, out);
        if (restored && k % 97 == 0) restored->update(nullptr, nullptr, nullptr, 0, out_restored);
    }
    if (counting_works()) {
        std::printf("%-20s heap allocations by update() after the first 10%% of frames: %llu\n", spec.name,
                    warm_allocations);
    }
    return checksum;
}

// The assignment solver on its own, with degenerate shapes and a bad cost.
void lapjv_checks() {
    LapjvSolver solver;
    std::vector<int> rows(8), cols(8);
    const double cost[6] = {0.1, 0.9, 0.8, 0.2, 0.5, 0.5};
    check(solver.solve_limited(cost, 3, 2, 0.8, rows.data(), cols.data()), "lapjv 3x2");
    check(rows[0] == 0 && rows[1] == 1 && rows[2] == -1, "lapjv 3x2 solution");
    check(solver.solve_limited(cost, 0, 2, 0.8, rows.data(), cols.data()), "lapjv 0x2");
    const double bad[1] = {std::numeric_limits<double>::quiet_NaN()};
    check(!solver.solve_limited(bad, 1, 1, 0.8, rows.data(), cols.data()), "lapjv accepted NaN");
    check(!solver.solve_limited(cost, -1, 2, 0.8, rows.data(), cols.data()), "lapjv accepted -1 rows");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--list") {
        for (const EngineSpec& e : engine_table()) std::printf("%s\n", e.name);
        return 0;
    }
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s ENGINE|all FRAMES OBJECTS_PER_FRAME SEED\n       %s --list\n", argv[0],
                     argv[0]);
        return 2;
    }
    const std::string which = argv[1];
    const int frames = std::atoi(argv[2]);
    const double objects = std::atof(argv[3]);
    const std::uint64_t seed = std::strtoull(argv[4], nullptr, 10);
    if (frames < 1 || !(objects > 0.0)) {
        std::fprintf(stderr, "FRAMES must be >= 1 and OBJECTS_PER_FRAME > 0\n");
        return 2;
    }
    try {
        lapjv_checks();
        bool found = false;
        for (const EngineSpec& spec : engine_table()) {
            if (which != "all" && which != spec.name) continue;
            found = true;
            const std::uint64_t sum = run_engine(spec, frames, objects, seed);
            std::printf("%-20s frames=%d objects=%g seed=%llu checksum=%016llx\n", spec.name, frames, objects,
                        static_cast<unsigned long long>(seed), static_cast<unsigned long long>(sum));
        }
        if (!found) {
            std::fprintf(stderr, "unknown engine '%s' (see --list)\n", which.c_str());
            return 2;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "FAIL: unexpected exception: %s\n", e.what());
        return 1;
    }
    if (g_failures > 0) {
        std::fprintf(stderr, "%d check(s) failed\n", g_failures);
        return 1;
    }
    std::printf("all checks passed\n");
    return 0;
}
