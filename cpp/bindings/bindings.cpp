// Python bindings: argument conversion and validation only; all logic is in the
// C++ library.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>

#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/id_counter.hpp"
#include "bytetrack/lapjv.hpp"
#include "bytetrack/scene_generator.hpp"
#include "bytetrack/tracker_state.hpp"

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

// Scalar parameters, converted here so that every error names the parameter.
double real_arg(py::handle obj, const char* name) {
    const double v = PyFloat_AsDouble(obj.ptr());
    if (v == -1.0 && PyErr_Occurred()) {
        const bool overflow = PyErr_ExceptionMatches(PyExc_OverflowError);
        PyErr_Clear();
        if (overflow) throw py::value_error(std::string(name) + " is out of range");
        throw py::type_error(std::string(name) + " must be a real number, got " +
                             std::string(py::str(py::type::of(obj).attr("__name__"))));
    }
    return v;
}

long long int_arg(py::handle obj, const char* name, long long lo, long long hi) {
    PyObject* index = PyNumber_Index(obj.ptr());
    if (!index) {
        PyErr_Clear();
        throw py::type_error(std::string(name) + " must be an integer, got " +
                             std::string(py::str(py::type::of(obj).attr("__name__"))));
    }
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
    Py_DECREF(index);
    if (overflow != 0 || v < lo || v > hi)
        throw py::value_error(std::string(name) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                              "], got " + std::string(py::str(obj)));
    return v;
}

bool bool_arg(py::handle obj, const char* name) {
    py::detail::make_caster<bool> caster;  // True/False or numpy.bool_ only
    if (!caster.load(obj, false))
        throw py::type_error(std::string(name) + " must be a bool, got " +
                             std::string(py::str(py::type::of(obj).attr("__name__"))));
    return static_cast<bool>(caster);
}

std::string str_arg(py::handle obj, const char* name) {
    if (!py::isinstance<py::str>(obj))
        throw py::type_error(std::string(name) + " must be a str, got " +
                             std::string(py::str(py::type::of(obj).attr("__name__"))));
    return obj.cast<std::string>();
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
        if (cls.dtype().kind() == 'u' && cls.dtype().itemsize() == 8) {
            // uint64 above INT64_MAX would wrap to a different label.
            py::array_t<std::uint64_t, py::array::forcecast> as_u64 = py::array_t<std::uint64_t, py::array::forcecast>::ensure(cls);
            const std::uint64_t* p = as_u64.data();
            for (std::size_t i = 0; i < in.n; ++i) {
                if (p[i] > static_cast<std::uint64_t>(INT64_MAX))
                    throw py::value_error("class_ids: element " + std::to_string(i) + " does not fit in int64");
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

    static Tracks from(const std::vector<TrackOutput>& out) {
        const py::ssize_t m = static_cast<py::ssize_t>(out.size());
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
            if (raw.shape(0) + raw.shape(1) > LapjvSolver::kMaxSize)
                throw py::value_error("cost: rows + columns must be <= " + std::to_string(LapjvSolver::kMaxSize) +
                                      ", got " + std::to_string(raw.shape(0)) + " x " + std::to_string(raw.shape(1)));
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

// ---------------------------------------------------------------- state (pickle / deepcopy)

// The state blob of save_state/load_state (tracker_state.hpp) as bytes.
std::string state_bytes(py::handle state) {
    if (!py::isinstance<py::bytes>(state))
        throw py::type_error("state must be bytes (as produced by __getstate__), got " +
                             std::string(py::str(py::type::of(state).attr("__name__"))));
    return std::string(py::reinterpret_borrow<py::bytes>(state));
}

// pickle.dumps / copy.deepcopy support for an engine with save_state / load_state.
template <class Engine>
auto state_pickle() {
    return py::pickle([](const Engine& e) { return py::bytes(save_state(e)); },
                      [](py::object state) { return load_state(state_bytes(state)); });
}

// __reduce_ex__ for every pickle protocol: copyreg.__newobj__(cls) then
// __setstate__(state). Without it, protocols 0 and 1 go through copyreg's
// generic path, which a pybind11 object cannot take.
py::tuple reduce_by_state(py::object self, py::object /*protocol*/) {
    return py::make_tuple(py::module_::import("copyreg").attr("__newobj__"), py::make_tuple(py::type::of(self)),
                          self.attr("__getstate__")());
}

void bind_state(py::module_& m) {
    m.attr("STATE_FORMAT_VERSION") = kStateFormatVersion;
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
        .def(py::init([](py::handle track_thresh, py::handle track_buffer, py::handle match_thresh,
                         py::handle frame_rate, py::handle mot20, py::handle preset, py::handle ids) {
                 TrackerConfig c;
                 c.track_thresh = real_arg(track_thresh, "track_thresh");
                 c.track_buffer = static_cast<int>(int_arg(track_buffer, "track_buffer", 0, 1000000000));
                 c.match_thresh = real_arg(match_thresh, "match_thresh");
                 c.frame_rate = real_arg(frame_rate, "frame_rate");
                 c.mot20 = bool_arg(mot20, "mot20");
                 c.preset = parse_preset(str_arg(preset, "preset"));
                 std::shared_ptr<IdCounter> counter;
                 if (!ids.is_none()) {
                     if (!py::isinstance<IdCounter>(ids))
                         throw py::type_error("id_counter must be an IdCounter or None, got " +
                                              std::string(py::str(py::type::of(ids).attr("__name__"))));
                     counter = ids.cast<std::shared_ptr<IdCounter>>();
                 }
                 return std::make_unique<BYTETracker>(c, std::move(counter));
             }),
             py::arg("track_thresh") = 0.5, py::arg("track_buffer") = 30, py::arg("match_thresh") = 0.8,
             py::arg("frame_rate") = 30.0, py::arg("mot20") = false, py::arg("preset") = "ifzhang",
             py::arg("id_counter") = py::none())
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
        .def(state_pickle<BYTETracker>())
        .def("__reduce_ex__", &reduce_by_state)
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
    bind_scene_generator(m);
    bind_state(m);
}
