// Python bindings: argument conversion and validation only; all logic is in the
// C++ library.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/id_counter.hpp"
#include "bytetrack/lapjv.hpp"
#include "bytetrack/multi_stream_tracker.hpp"
#include "bytetrack/tracker_engine.hpp"
#include "bytetrack/scene_generator.hpp"

namespace py = pybind11;
using namespace bytetrack;

namespace {

// ---------------------------------------------------------------- input checks

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Int64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

// Any array-like of real numbers -> a NumPy array; TypeError otherwise.
py::array numeric_array(py::handle obj, const char* name) {
    if (obj.is_none()) throw py::type_error(std::string(name) + " must be an array of numbers, got None");
    py::array a = py::array::ensure(obj);
    if (!a) throw py::type_error(std::string(name) + " must be array-like of numbers");
    const char kind = a.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u')
        throw py::type_error(std::string(name) + " must hold real numbers, got dtype " +
                             std::string(py::str(a.dtype())));
    return a;
}

struct DetectionsIn {
    DoubleArray xyxy;
    DoubleArray scores;
    Int64Array class_ids;
    bool has_class_ids = false;  // a default array_t is an empty array, not a null handle
    std::size_t n = 0;
    const std::int64_t* class_ptr() const { return has_class_ids ? class_ids.data() : nullptr; }
};

DetectionsIn convert_detections(py::handle xyxy_obj, py::handle scores_obj, py::handle class_obj) {
    DetectionsIn in;
    py::array xyxy = numeric_array(xyxy_obj, "xyxy");
    py::array scores = numeric_array(scores_obj, "scores");
    if (xyxy.size() == 0 && xyxy.ndim() <= 2 && (xyxy.ndim() < 2 || xyxy.shape(1) == 4 || xyxy.shape(0) == 0)) {
        in.n = 0;
    } else if (xyxy.ndim() != 2 || xyxy.shape(1) != 4) {
        std::ostringstream msg;
        msg << "xyxy must have shape (N, 4), got (";
        for (py::ssize_t d = 0; d < xyxy.ndim(); ++d) msg << (d ? ", " : "") << xyxy.shape(d);
        msg << (xyxy.ndim() == 1 ? ",)" : ")");
        throw py::value_error(msg.str());
    } else {
        in.n = static_cast<std::size_t>(xyxy.shape(0));
    }
    if (scores.ndim() != 1 && !(scores.size() == 0 && in.n == 0))
        throw py::value_error("scores must be 1-D with N elements");
    if (static_cast<std::size_t>(scores.size()) != in.n)
        throw py::value_error("scores has " + std::to_string(scores.size()) + " elements but xyxy has " +
                              std::to_string(in.n) + " rows");
    in.xyxy = DoubleArray::ensure(xyxy);
    in.scores = DoubleArray::ensure(scores);
    if (!class_obj.is_none()) {
        py::array cls = numeric_array(class_obj, "class_ids");
        if (static_cast<std::size_t>(cls.size()) != in.n || (cls.ndim() != 1 && in.n != 0))
            throw py::value_error("class_ids has " + std::to_string(cls.size()) + " elements but xyxy has " +
                                  std::to_string(in.n) + " rows");
        if (cls.dtype().kind() == 'f') {
            // Float class columns (e.g. a detector's N x 6 output) are fine if integral.
            DoubleArray as_double = DoubleArray::ensure(cls);
            const double* p = as_double.data();
            for (std::size_t i = 0; i < in.n; ++i) {
                if (!std::isfinite(p[i]) || std::floor(p[i]) != p[i] || std::fabs(p[i]) > 9.0e15)
                    throw py::value_error("class_ids: element " + std::to_string(i) + " is not an integer");
            }
        }
        in.class_ids = Int64Array::ensure(cls);
        in.has_class_ids = true;
    }
    return in;
}

// ---------------------------------------------------------------- results

// Tracks of one frame as NumPy arrays (the Python-facing result object).
struct Tracks {
    py::array_t<std::int64_t> track_id;
    py::array_t<double> xyxy;
    py::array_t<double> score;
    py::array_t<std::int64_t> class_id;
    py::array_t<std::int64_t> det_index;

    static Tracks from(const std::vector<TrackOutput>& out) { return from(out.data(), out.size()); }

    static Tracks from(const TrackOutput* out, std::size_t count) {
        const py::ssize_t m = static_cast<py::ssize_t>(count);
        Tracks t;
        t.track_id = py::array_t<std::int64_t>(m);
        t.xyxy = py::array_t<double>({m, static_cast<py::ssize_t>(4)});
        t.score = py::array_t<double>(m);
        t.class_id = py::array_t<std::int64_t>(m);
        t.det_index = py::array_t<std::int64_t>(m);
        std::int64_t* ids = t.track_id.mutable_data();
        double* boxes = t.xyxy.mutable_data();
        double* scores = t.score.mutable_data();
        std::int64_t* classes = t.class_id.mutable_data();
        std::int64_t* rows = t.det_index.mutable_data();
        for (py::ssize_t i = 0; i < m; ++i) {
            const TrackOutput& o = out[static_cast<std::size_t>(i)];
            ids[i] = o.track_id;
            boxes[4 * i + 0] = o.box.x1;
            boxes[4 * i + 1] = o.box.y1;
            boxes[4 * i + 2] = o.box.x2;
            boxes[4 * i + 3] = o.box.y2;
            scores[i] = o.score;
            classes[i] = o.class_id;
            rows[i] = o.det_index;
        }
        return t;
    }
};

void bind_tracks(py::module_& m) {
    py::class_<Tracks>(m, "Tracks", R"doc(
Confirmed tracks of one frame, in the reference tracker's output order.

Attributes are NumPy arrays of equal length M:
    track_id  (M,)   int64   track ids
    xyxy      (M, 4) float64 Kalman-filtered box (x1, y1, x2, y2) the reference reports
    score     (M,)   float64 score of the detection that last updated the track
    class_id  (M,)   int64   class of that detection (-1 when no classes were given)
    det_index (M,)   int64   row of that detection in this frame's input
)doc")
        .def_readonly("track_id", &Tracks::track_id)
        .def_readonly("xyxy", &Tracks::xyxy)
        .def_readonly("score", &Tracks::score)
        .def_readonly("class_id", &Tracks::class_id)
        .def_readonly("det_index", &Tracks::det_index)
        .def("__len__", [](const Tracks& t) { return t.track_id.size(); })
        .def("__repr__", [](const Tracks& t) {
            std::ostringstream s;
            s << "Tracks(n=" << t.track_id.size() << ", track_id=" << std::string(py::repr(t.track_id)) << ")";
            return s.str();
        });
}

// ---------------------------------------------------------------- lapjv

void bind_lapjv(py::module_& m) {
    m.def(
        "lapjv",
        [](py::handle cost_obj, double cost_limit) {
            py::array raw = numeric_array(cost_obj, "cost");
            if (raw.ndim() != 2) throw py::value_error("cost must be a 2-D matrix");
            DoubleArray cost = DoubleArray::ensure(raw);
            const int rows = static_cast<int>(cost.shape(0));
            const int cols = static_cast<int>(cost.shape(1));
            if (!std::isfinite(cost_limit)) throw py::value_error("cost_limit must be finite");
            for (py::ssize_t k = 0; k < cost.size(); ++k) {
                if (!std::isfinite(cost.data()[k])) throw py::value_error("cost contains NaN or inf");
            }
            py::array_t<std::int64_t> x(rows), y(cols);
            std::vector<int> xs(rows), ys(cols);
            LapjvSolver solver;
            if (!solver.solve_limited(cost.data(), rows, cols, cost_limit, xs.data(), ys.data()))
                throw std::runtime_error("lapjv: assignment failed");
            for (int i = 0; i < rows; ++i) x.mutable_data()[i] = xs[i];
            for (int j = 0; j < cols; ++j) y.mutable_data()[j] = ys[j];
            return py::make_tuple(x, y);
        },
        py::arg("cost"), py::arg("cost_limit"),
        R"doc(
Jonker-Volgenant assignment with a cost limit, as lap.lapjv(cost, extend_cost=True,
cost_limit=cost_limit) of lap >= 0.5 (the solver the ifzhang trackers use).

Returns (x, y): x[i] is the column matched to row i or -1, y[j] the row matched
to column j or -1. A pair is only matched if its cost is <= cost_limit.
)doc");
}

// ---------------------------------------------------------------- id counter

void bind_id_counter(py::module_& m) {
    py::class_<IdCounter, std::shared_ptr<IdCounter>>(m, "IdCounter", R"doc(
A thread-safe source of track ids. Give the same counter to several trackers to
get ids that are unique across all of them.
)doc")
        .def(py::init<std::int64_t>(), py::arg("start") = 1)
        .def_property_readonly("next_id", &IdCounter::peek, "The id the next new track will get.")
        .def_property_readonly("start", &IdCounter::start)
        .def("__repr__", [](const IdCounter& c) {
            return "IdCounter(start=" + std::to_string(c.start()) + ", next_id=" + std::to_string(c.peek()) + ")";
        });
}

// ---------------------------------------------------------------- BYTETracker

void bind_byte_tracker(py::module_& m) {
    py::class_<BYTETracker>(m, "BYTETracker", R"doc(
ByteTrack multi-object tracker reproducing the original ifzhang implementations.

Parameters
----------
track_thresh : float
    Detections scoring above it take part in the first association; new tracks
    need track_thresh + 0.1.
track_buffer : int
    Frames (at 30 fps) a lost track is kept: max_time_lost = int(frame_rate / 30 * track_buffer).
match_thresh : float
    Maximum (fused) IoU distance of the first association.
frame_rate : float
mot20 : bool
    Disables score fusion (the reference's MOT20 switch).
preset : str
    "ifzhang" (the Python yolox/tracker, default), "ifzhang-cpp" (the TensorRT/ncnn C++
    tracker), or "ifzhang-cpp-2021" (that C++ tracker before its 2022-03 fix: boxes not
    refreshed after prediction).
id_counter : IdCounter, optional
    Shared id source; by default each tracker has its own, starting at 1.
)doc")
        .def(py::init([](double track_thresh, int track_buffer, double match_thresh, double frame_rate,
                         bool mot20, const std::string& preset, std::shared_ptr<IdCounter> ids) {
                 TrackerConfig c;
                 c.track_thresh = track_thresh;
                 c.track_buffer = track_buffer;
                 c.match_thresh = match_thresh;
                 c.frame_rate = frame_rate;
                 c.mot20 = mot20;
                 c.preset = parse_preset(preset);
                 return std::make_unique<BYTETracker>(c, std::move(ids));
             }),
             py::arg("track_thresh") = 0.5, py::arg("track_buffer") = 30, py::arg("match_thresh") = 0.8,
             py::arg("frame_rate") = 30.0, py::arg("mot20") = false, py::arg("preset") = "ifzhang",
             py::arg("id_counter") = nullptr)
        .def(
            "update",
            [](BYTETracker& self, py::handle xyxy, py::handle scores, py::handle class_ids) {
                DetectionsIn in = convert_detections(xyxy, scores, class_ids);
                const auto& out = self.update(in.xyxy.data(), in.scores.data(), in.class_ptr(), in.n);
                return Tracks::from(out);
            },
            py::arg("xyxy"), py::arg("scores"), py::arg("class_ids") = py::none(),
            R"doc(
Advance one frame.

xyxy: (N, 4) boxes (x1, y1, x2, y2); scores: (N,); class_ids: optional (N,) integers.
N may be 0. Invalid input raises ValueError/TypeError and leaves the tracker unchanged.
Returns a Tracks object with the confirmed tracks of this frame.
)doc")
        .def("reset", &BYTETracker::reset, "Forget all tracks; frame counting (and an owned id counter) restart.")
        .def_property_readonly("frame_id", &BYTETracker::frame_id, "Number of update() calls since creation or reset.")
        .def_property_readonly("preset", [](const BYTETracker& t) { return std::string(preset_name(t.config().preset)); })
        .def_property_readonly("track_thresh", [](const BYTETracker& t) { return t.config().track_thresh; })
        .def_property_readonly("track_buffer", [](const BYTETracker& t) { return t.config().track_buffer; })
        .def_property_readonly("match_thresh", [](const BYTETracker& t) { return t.config().match_thresh; })
        .def_property_readonly("frame_rate", [](const BYTETracker& t) { return t.config().frame_rate; })
        .def_property_readonly("mot20", [](const BYTETracker& t) { return t.config().mot20; })
        .def_property_readonly("max_time_lost", [](const BYTETracker& t) { return t.semantics().max_time_lost; })
        .def_property_readonly("id_counter", &BYTETracker::id_counter)
        .def_property_readonly("num_tracked", [](const BYTETracker& t) { return t.tracked_slots().size(); },
                               "Tracks in the tracked list (confirmed and unconfirmed).")
        .def_property_readonly("num_lost", [](const BYTETracker& t) { return t.lost_slots().size(); })
        .def("__repr__", [](const BYTETracker& t) {
            std::ostringstream s;
            const auto& c = t.config();
            s << "BYTETracker(track_thresh=" << c.track_thresh << ", track_buffer=" << c.track_buffer
              << ", match_thresh=" << c.match_thresh << ", frame_rate=" << c.frame_rate
              << ", mot20=" << (c.mot20 ? "True" : "False") << ", preset='" << preset_name(c.preset)
              << "', frame_id=" << t.frame_id() << ", tracked=" << t.tracked_slots().size()
              << ", lost=" << t.lost_slots().size() << ")";
            return s.str();
        });
}

// ---------------------------------------------------------------- MultiStreamTracker

// Stream ids: Python ints (or integer scalars) in [0, 2**64 - 1]; bool is refused.
StreamId stream_id_arg(py::handle obj, const char* what) {
    if (PyLong_CheckExact(obj.ptr())) {  // the common case, without temporaries
        const unsigned long long v = PyLong_AsUnsignedLongLong(obj.ptr());
        if (!(v == static_cast<unsigned long long>(-1) && PyErr_Occurred())) return static_cast<StreamId>(v);
        PyErr_Clear();
        throw py::value_error(std::string(what) + " must be in [0, 2**64 - 1], got " + std::string(py::repr(obj)));
    }
    auto type_error = [&] {
        return py::type_error(std::string(what) + " must be a non-negative int, got " +
                              std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
    };
    if (PyBool_Check(obj.ptr()) || !PyIndex_Check(obj.ptr())) throw type_error();
    py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(obj.ptr()));
    if (!index) {
        PyErr_Clear();
        throw type_error();
    }
    const unsigned long long v = PyLong_AsUnsignedLongLong(index.ptr());
    if (v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        throw py::value_error(std::string(what) + " must be in [0, 2**64 - 1], got " + std::string(py::repr(index)));
    }
    return static_cast<StreamId>(v);
}

double real_param(py::handle v, const char* name) {
    if (PyBool_Check(v.ptr()) || !(PyFloat_Check(v.ptr()) || PyIndex_Check(v.ptr()) || py::hasattr(v, "__float__")))
        throw py::type_error(std::string(name) + " must be a number");
    const double d = PyFloat_AsDouble(v.ptr());
    if (d == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        throw py::type_error(std::string(name) + " must be a number");
    }
    return d;
}

long long int_param(py::handle v, const char* name, long long lo, long long hi) {
    if (PyBool_Check(v.ptr()) || !PyIndex_Check(v.ptr())) throw py::type_error(std::string(name) + " must be an int");
    py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
    if (!index) {
        PyErr_Clear();
        throw py::type_error(std::string(name) + " must be an int");
    }
    int overflow = 0;
    const long long x = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
    if (overflow != 0 || x < lo || x > hi)
        throw py::value_error(std::string(name) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                              "], got " + std::string(py::repr(index)));
    return x;
}

// Engine "bytetrack": the BYTETracker keyword arguments, with the same defaults.
std::shared_ptr<const EngineFactory> bytetrack_engine(const py::dict& params) {
    TrackerConfig c;
    for (auto item : params) {
        const std::string key = py::str(item.first);
        py::handle v = item.second;
        if (key == "track_thresh") {
            c.track_thresh = real_param(v, "track_thresh");
        } else if (key == "track_buffer") {
            c.track_buffer = static_cast<int>(int_param(v, "track_buffer", 0, INT32_MAX));
        } else if (key == "match_thresh") {
            c.match_thresh = real_param(v, "match_thresh");
        } else if (key == "frame_rate") {
            c.frame_rate = real_param(v, "frame_rate");
        } else if (key == "mot20") {
            const bool is_numpy_bool = py::hasattr(v, "dtype") && py::str(v.attr("dtype").attr("kind")).cast<std::string>() == "b";
            if (!PyBool_Check(v.ptr()) && !is_numpy_bool) throw py::type_error("mot20 must be a bool");
            c.mot20 = PyObject_IsTrue(v.ptr()) == 1;
        } else if (key == "preset") {
            if (!py::isinstance<py::str>(v)) throw py::type_error("preset must be a str");
            c.preset = parse_preset(v.cast<std::string>());
        } else {
            throw py::type_error("MultiStreamTracker() got an unexpected keyword argument '" + key +
                                 "' for engine 'bytetrack' (expected track_thresh, track_buffer, match_thresh, "
                                 "frame_rate, mot20, preset)");
        }
    }
    return std::make_shared<ByteTrackEngineFactory>(c);  // validates the values
}

// Engines by name. Each takes the keyword arguments of its single-stream tracker.
std::shared_ptr<const EngineFactory> make_engine(const std::string& name, const py::dict& params) {
    if (name == "bytetrack") return bytetrack_engine(params);
    throw py::value_error("engine: unknown engine '" + name + "' (available: 'bytetrack')");
}

// The Python object: the C++ context plus result buffers, one set per call in
// flight so that concurrent calls never share one, reused across calls.
class PyMultiStreamTracker {
public:
    struct Buffers {
        std::vector<TrackOutput> single;
        BatchResult batch;
        std::vector<StreamFrame> frames;
        std::vector<DetectionsIn> inputs;  // keeps the converted arrays alive
        std::vector<py::object> keys;
    };

    // Hands out a buffer set and takes it back (GIL held for both).
    class Lease {
    public:
        explicit Lease(PyMultiStreamTracker& owner) : owner_(owner) {
            std::lock_guard<std::mutex> lock(owner_.buffers_mutex_);
            if (owner_.free_buffers_.empty()) {
                buffers_ = std::make_unique<Buffers>();
            } else {
                buffers_ = std::move(owner_.free_buffers_.back());
                owner_.free_buffers_.pop_back();
            }
        }
        ~Lease() {
            buffers_->inputs.clear();
            buffers_->keys.clear();
            std::lock_guard<std::mutex> lock(owner_.buffers_mutex_);
            try {
                owner_.free_buffers_.push_back(std::move(buffers_));
            } catch (...) {  // could not keep it: it is simply freed
            }
        }
        Buffers* operator->() { return buffers_.get(); }

    private:
        PyMultiStreamTracker& owner_;
        std::unique_ptr<Buffers> buffers_;
    };

    PyMultiStreamTracker(int threads, std::uint64_t max_idle, const std::string& engine, py::dict params,
                         std::shared_ptr<IdCounter> ids)
        : engine_params_(params), engine_name_(engine) {
        auto factory = make_engine(engine, params);
        ctx_ = std::make_unique<MultiStreamTracker>(std::move(factory), threads, max_idle, std::move(ids));
    }

    MultiStreamTracker& ctx() { return *ctx_; }
    const py::dict& engine_params() const { return engine_params_; }
    const std::string& engine_name() const { return engine_name_; }

private:
    std::unique_ptr<MultiStreamTracker> ctx_;
    py::dict engine_params_;
    std::string engine_name_;
    std::mutex buffers_mutex_;
    std::vector<std::unique_ptr<Buffers>> free_buffers_;
};

// One batch entry; errors name the entry ("batch[<key>]: ...").
DetectionsIn convert_batch_entry(py::handle key, py::handle value) {
    auto label = [&] { return "batch[" + std::string(py::repr(key)) + "]"; };
    const bool is_tuple = PyTuple_Check(value.ptr());
    if (!is_tuple && !PyList_Check(value.ptr()))
        throw py::type_error(label() + " must be a tuple (xyxy, scores) or (xyxy, scores, class_ids)");
    const Py_ssize_t len = is_tuple ? PyTuple_GET_SIZE(value.ptr()) : PyList_GET_SIZE(value.ptr());
    if (len < 2 || len > 3)
        throw py::type_error(label() + " must be a tuple (xyxy, scores) or (xyxy, scores, class_ids)");
    auto item = [&](Py_ssize_t i) {
        return py::handle(is_tuple ? PyTuple_GET_ITEM(value.ptr(), i) : PyList_GET_ITEM(value.ptr(), i));
    };
    try {
        return convert_detections(item(0), item(1), len == 3 ? item(2) : py::handle(Py_None));
    } catch (const py::type_error& e) {
        throw py::type_error(label() + ": " + e.what());
    } catch (const py::value_error& e) {
        throw py::value_error(label() + ": " + e.what());
    }
}

// Ends an open batch on every path out of the binding (GIL released meanwhile).
class OpenBatch {
public:
    OpenBatch(MultiStreamTracker& ctx, BatchResult& out) : ctx_(ctx), out_(out) {}
    ~OpenBatch() {
        if (!open_) return;
        py::gil_scoped_release release;
        try {
            ctx_.end_batch(out_);
        } catch (...) {  // already leaving with another error
        }
    }
    void end() {
        open_ = false;
        py::gil_scoped_release release;
        ctx_.end_batch(out_);
    }

private:
    MultiStreamTracker& ctx_;
    BatchResult& out_;
    bool open_ = true;
};

void bind_multi_stream_tracker(py::module_& m) {
    using Self = PyMultiStreamTracker;
    py::class_<Self>(m, "MultiStreamTracker", R"doc(
Many camera streams in one process: one independent tracker per stream id, track
ids unique across all streams.

A stream is created on its first frame and freed by remove_stream() (or by idle
eviction). Calls release the GIL; calls on different streams may come from
several Python threads at once, calls on one stream are serialised.

Parameters
----------
threads : int
    Threads update_batch() may use for independent streams (the calling thread
    counts as one; default 1). Results never depend on it.
max_idle_frames : int or None
    Remove streams idle for more than this many updates. Every update() call and
    every update_batch() call is one update. None (default) keeps streams until
    removed.
engine : str
    Per-stream tracker: "bytetrack" (BYTETracker with its presets).
id_counter : IdCounter, optional
    Id source to share with other trackers; by default the context has its own,
    starting at 1.
**engine_params
    Keyword arguments of the engine's tracker: track_thresh, track_buffer,
    match_thresh, frame_rate, mot20, preset for "bytetrack".

Ids: within a stream, ids increase in the order its tracker creates tracks, so
each stream's output equals an isolated BYTETracker's up to an order-preserving
renaming of ids. update_batch() numbers new tracks stream by stream in batch
order, whichever thread updated them: the result is the same for any thread
count and equals calling update() on each entry in that order (when no other
thread takes ids meanwhile).
)doc")
        .def(py::init([](py::handle threads, py::handle max_idle, py::handle engine, py::kwargs kwargs) {
                 const int n_threads =
                     static_cast<int>(int_param(threads, "threads", 1, MultiStreamTracker::kMaxThreads));
                 std::uint64_t idle = MultiStreamTracker::kNoEviction;
                 if (!max_idle.is_none())
                     idle = static_cast<std::uint64_t>(int_param(max_idle, "max_idle_frames", 0, INT64_MAX - 1));
                 if (!py::isinstance<py::str>(engine)) throw py::type_error("engine must be a str");
                 std::shared_ptr<IdCounter> ids;
                 py::dict params;
                 for (auto item : kwargs) {
                     const std::string key = py::str(item.first);
                     if (key == "id_counter") {
                         if (item.second.is_none()) continue;
                         if (!py::isinstance<IdCounter>(item.second))
                             throw py::type_error("id_counter must be an IdCounter");
                         ids = item.second.cast<std::shared_ptr<IdCounter>>();
                     } else {
                         params[item.first] = item.second;
                     }
                 }
                 return std::make_unique<Self>(n_threads, idle, engine.cast<std::string>(), params, std::move(ids));
             }),
             py::arg("threads") = 1, py::arg("max_idle_frames") = py::none(), py::arg("engine") = "bytetrack")
        .def(
            "update",
            [](Self& self, py::handle stream_id, py::handle xyxy, py::handle scores, py::handle class_ids) {
                const StreamId id = stream_id_arg(stream_id, "stream_id");
                DetectionsIn in = convert_detections(xyxy, scores, class_ids);
                const StreamFrame frame{id, in.xyxy.data(), in.scores.data(), in.class_ptr(), in.n};
                Self::Lease buffers(self);
                {
                    py::gil_scoped_release release;
                    self.ctx().update(frame, buffers->single);
                }
                return Tracks::from(buffers->single);
            },
            py::arg("stream_id"), py::arg("xyxy"), py::arg("scores"), py::arg("class_ids") = py::none(),
            R"doc(
Advance one stream by one frame (the stream is created on its first frame).

Same arguments and result (Tracks) as BYTETracker.update. Invalid input raises
ValueError/TypeError and changes nothing.
)doc")
        .def(
            "update_batch",
            [](Self& self, py::handle batch) {
                if (!PyDict_Check(batch.ptr()) && !py::hasattr(batch, "items"))
                    throw py::type_error("batch must be a mapping {stream_id: (xyxy, scores[, class_ids])}");
                Self::Lease buffers(self);
                auto& frames = buffers->frames;
                auto& inputs = buffers->inputs;
                auto& keys = buffers->keys;
                frames.clear();
                auto add = [&](py::handle key_ref, py::handle value_ref) {
                    // Own references: converting a value may run Python code.
                    const py::object key = py::reinterpret_borrow<py::object>(key_ref);
                    const py::object value = py::reinterpret_borrow<py::object>(value_ref);
                    const StreamId id = stream_id_arg(key, "batch key");
                    inputs.push_back(convert_batch_entry(key, value));
                    keys.push_back(key);
                    const DetectionsIn& in = inputs.back();
                    frames.push_back(StreamFrame{id, in.xyxy.data(), in.scores.data(), in.class_ptr(), in.n});
                };
                if (PyDict_Check(batch.ptr())) {
                    PyObject *key, *value;
                    Py_ssize_t pos = 0;
                    while (PyDict_Next(batch.ptr(), &pos, &key, &value)) add(key, value);
                } else {
                    for (py::handle item : batch.attr("items")()) {
                        py::tuple kv = py::reinterpret_borrow<py::tuple>(item);
                        add(kv[0], kv[1]);
                    }
                }
                MultiStreamTracker& ctx = self.ctx();
                BatchResult& out = buffers->batch;
                {
                    py::gil_scoped_release release;
                    ctx.begin_batch(frames.data(), frames.size(), out);  // throws before any change
                }
                // Result objects are built while the pool still updates later streams.
                OpenBatch open(ctx, out);
                py::dict result;
                for (std::size_t k = 0; k < frames.size(); ++k) {
                    if (ctx.frame_updated(k, out)) {
                        ctx.finish_frame(k, out);
                    } else {
                        py::gil_scoped_release release;
                        ctx.finish_frame(k, out);
                    }
                    result[keys[k]] = Tracks::from(out.tracks(k), out.num_tracks(k));
                }
                open.end();
                return result;
            },
            py::arg("batch"),
            R"doc(
Advance several streams by one frame each, in one call.

batch maps stream ids to (xyxy, scores) or (xyxy, scores, class_ids) tuples.
Returns {stream_id: Tracks} in the batch's order. Streams are updated on the
context's threads; new ids are numbered afterwards in batch order, so the result
is the same for any thread count. If any entry is invalid, ValueError/TypeError
is raised and no stream is created or changed.
)doc")
        .def(
            "remove_stream",
            [](Self& self, py::handle stream_id) {
                const StreamId id = stream_id_arg(stream_id, "stream_id");
                bool found;
                {
                    py::gil_scoped_release release;
                    found = self.ctx().remove_stream(id);
                }
                if (!found) throw py::key_error("no stream " + std::to_string(id));
            },
            py::arg("stream_id"), "Remove a stream and free its tracker; KeyError if there is no such stream.")
        .def(
            "reset",
            [](Self& self) {
                py::gil_scoped_release release;
                self.ctx().reset();
            },
            "Remove all streams; the update count and (unless an id_counter was given) the ids restart.")
        .def(
            "frame_id",
            [](Self& self, py::handle stream_id) {
                const StreamId id = stream_id_arg(stream_id, "stream_id");
                py::gil_scoped_release release;
                try {
                    return self.ctx().stream_frame_id(id);
                } catch (const std::out_of_range&) {
                    py::gil_scoped_acquire acquire;
                    throw py::key_error("no stream " + std::to_string(id));
                }
            },
            py::arg("stream_id"), "Frames the stream has seen; KeyError if there is no such stream.")
        .def_property_readonly("stream_ids", [](Self& self) {
            std::vector<StreamId> ids;
            {
                py::gil_scoped_release release;
                ids = self.ctx().stream_ids();
            }
            py::list out;
            for (StreamId id : ids) out.append(py::int_(id));
            return out;
        }, "Ids of the live streams, ascending.")
        .def_property_readonly("num_live_tracks", [](Self& self) {
            py::gil_scoped_release release;
            return self.ctx().num_live_tracks();
        }, "Tracked and lost tracks held over all streams.")
        .def_property_readonly("memory_bytes", [](Self& self) {
            py::gil_scoped_release release;
            return self.ctx().heap_bytes();
        }, "Estimated heap bytes held by all streams' trackers (buffer capacities).")
        .def_property_readonly("num_updates", [](Self& self) { return self.ctx().num_updates(); },
                               "update()/update_batch() calls since creation or reset (the idle clock).")
        .def_property_readonly("threads", [](Self& self) { return self.ctx().threads(); })
        .def_property_readonly("max_idle_frames", [](Self& self) -> py::object {
            const std::uint64_t v = self.ctx().max_idle_frames();
            if (v == MultiStreamTracker::kNoEviction) return py::none();
            return py::int_(v);
        })
        .def_property_readonly("engine", [](Self& self) { return self.engine_name(); })
        .def_property_readonly("engine_params", [](Self& self) { return py::dict(self.engine_params()); },
                               "The engine keyword arguments given (a copy).")
        .def_property_readonly("id_counter", [](Self& self) { return self.ctx().id_counter(); })
        .def("__len__", [](Self& self) {
            py::gil_scoped_release release;
            return self.ctx().num_streams();
        })
        .def("__contains__", [](Self& self, py::handle stream_id) {
            StreamId id;
            try {
                id = stream_id_arg(stream_id, "stream_id");
            } catch (const py::type_error&) {
                return false;
            } catch (const py::value_error&) {
                return false;
            }
            py::gil_scoped_release release;
            return self.ctx().contains(id);
        })
        .def("__repr__", [](Self& self) {
            std::ostringstream s;
            s << "MultiStreamTracker(threads=" << self.ctx().threads() << ", max_idle_frames=";
            const std::uint64_t idle = self.ctx().max_idle_frames();
            if (idle == MultiStreamTracker::kNoEviction) {
                s << "None";
            } else {
                s << idle;
            }
            s << ", engine='" << self.engine_name() << "'";
            for (auto item : self.engine_params())
                s << ", " << std::string(py::str(item.first)) << "=" << std::string(py::repr(item.second));
            std::size_t streams;
            {
                py::gil_scoped_release release;
                streams = self.ctx().num_streams();
            }
            s << ", streams=" << streams << ", next_id=" << self.ctx().id_counter()->peek() << ")";
            return s.str();
        });
}

// ---------------------------------------------------------------- scene generator

py::tuple scene_frame_to_python(const SceneFrame& f) {
    const py::ssize_t n = static_cast<py::ssize_t>(f.size());
    py::array_t<double> xyxy({n, static_cast<py::ssize_t>(4)});
    py::array_t<double> scores(n);
    py::array_t<std::int64_t> classes(n), objects(n);
    if (n > 0) {
        std::memcpy(xyxy.mutable_data(), f.xyxy.data(), sizeof(double) * 4 * n);
        std::memcpy(scores.mutable_data(), f.scores.data(), sizeof(double) * n);
        std::memcpy(classes.mutable_data(), f.class_ids.data(), sizeof(std::int64_t) * n);
        std::memcpy(objects.mutable_data(), f.object_ids.data(), sizeof(std::int64_t) * n);
    }
    return py::make_tuple(xyxy, scores, classes, objects);
}

SceneConfig make_scene_config(int num_frames, double objects_per_frame, std::uint64_t seed, double width,
                              double height, double mean_lifetime, double miss_rate, double occlusion_rate,
                              double low_score_share, double false_positive_rate, double box_noise) {
    SceneConfig c;
    c.num_frames = num_frames;
    c.objects_per_frame = objects_per_frame;
    c.seed = seed;
    c.width = width;
    c.height = height;
    c.mean_lifetime = mean_lifetime;
    c.miss_rate = miss_rate;
    c.occlusion_rate = occlusion_rate;
    c.low_score_share = low_score_share;
    c.false_positive_rate = false_positive_rate;
    c.box_noise = box_noise;
    return c;
}

#define BYTETRACK_SCENE_ARGS                                                                            \
    py::arg("num_frames") = 300, py::arg("objects_per_frame") = 20.0, py::arg("seed") = 0,                \
        py::arg("width") = 0.0, py::arg("height") = 0.0, py::arg("mean_lifetime") = 300.0,               \
        py::arg("miss_rate") = 0.05, py::arg("occlusion_rate") = 0.01, py::arg("low_score_share") = 0.15, \
        py::arg("false_positive_rate") = 0.05, py::arg("box_noise") = 0.03

void bind_scene_generator(py::module_& m) {
    py::class_<SceneGenerator>(m, "SceneGenerator", R"doc(
Deterministic synthetic detections of a street-like scene: objects (mostly
pedestrian-shaped, some vehicles) enter at the borders or appear, move, get
occluded (low scores or missed), leave; detections carry box noise, misses, a
share of low scores and false positives. Same seed, same frames, on any machine.

Iterating yields (xyxy (N,4) float64, scores (N,), class_ids (N,) int64,
object_ids (N,) int64 with -1 for false positives) per frame, rows sorted by
descending score. num_frames < 0 makes it endless. With width/height 0 the image
is sized to keep street-scene density (about 30 objects per 1920x1080).
)doc")
        .def(py::init([](int num_frames, double objects_per_frame, std::uint64_t seed, double width, double height,
                         double mean_lifetime, double miss_rate, double occlusion_rate, double low_score_share,
                         double false_positive_rate, double box_noise) {
                 return SceneGenerator(make_scene_config(num_frames, objects_per_frame, seed, width, height,
                                                         mean_lifetime, miss_rate, occlusion_rate, low_score_share,
                                                         false_positive_rate, box_noise));
             }),
             BYTETRACK_SCENE_ARGS)
        .def("__iter__", [](SceneGenerator& g) -> SceneGenerator& { return g; })
        .def("__next__",
             [](SceneGenerator& g) {
                 SceneFrame f;
                 if (!g.next(f)) throw py::stop_iteration();
                 return scene_frame_to_python(f);
             })
        .def_property_readonly("frame", &SceneGenerator::frame)
        .def_property_readonly("width", &SceneGenerator::width)
        .def_property_readonly("height", &SceneGenerator::height);

    m.def(
        "generate_scene",
        [](int num_frames, double objects_per_frame, std::uint64_t seed, double width, double height,
           double mean_lifetime, double miss_rate, double occlusion_rate, double low_score_share,
           double false_positive_rate, double box_noise) {
            if (num_frames < 0) throw py::value_error("num_frames must be >= 0 for generate_scene");
            SceneGenerator g(make_scene_config(num_frames, objects_per_frame, seed, width, height, mean_lifetime,
                                               miss_rate, occlusion_rate, low_score_share, false_positive_rate,
                                               box_noise));
            py::list frames;
            SceneFrame f;
            while (g.next(f)) frames.append(scene_frame_to_python(f));
            return frames;
        },
        BYTETRACK_SCENE_ARGS,
        "All frames of a SceneGenerator scene as a list of (xyxy, scores, class_ids, object_ids).");
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "bytetrack_cpp native core";
    bind_tracks(m);
    bind_lapjv(m);
    bind_id_counter(m);
    bind_byte_tracker(m);
    bind_multi_stream_tracker(m);
    bind_scene_generator(m);
}
