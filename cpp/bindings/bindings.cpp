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

#include "bytetrack/association.hpp"
#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/id_counter.hpp"
#include "bytetrack/lapjv.hpp"
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

// Zero-copy fast path for the common call: NumPy float64/float32 boxes (N, 4)
// and scores (N,), any strides. float64 C-contiguous input is used in place;
// anything else is widened into `buffer` (a plain loop, no NumPy call). Returns
// false (caller takes the general path) for other input.
struct FastDetections {
    const double* xyxy = nullptr;
    const double* scores = nullptr;
    const std::int64_t* class_ids = nullptr;
    std::size_t n = 0;
};

template <class T>
void widen_strided(const char* data, py::ssize_t rows, py::ssize_t cols, const py::ssize_t* strides, double* out) {
    for (py::ssize_t i = 0; i < rows; ++i)
        for (py::ssize_t k = 0; k < cols; ++k)
            out[i * cols + k] = static_cast<double>(*reinterpret_cast<const T*>(data + i * strides[0] +
                                                                                 (cols > 1 ? k * strides[1] : 0)));
}

// 0: not usable, 1: float32, 2: float64 (native byte order, aligned).
int float_kind(const py::detail::PyArray_Proxy* a) {
    const auto* d = py::detail::array_descriptor_proxy(a->descr);
    if (d->byteorder == '>') return 0;  // big-endian (this is a little-endian build)
    constexpr int kAligned = 0x0100;    // NPY_ARRAY_ALIGNED
    if (!(a->flags & kAligned)) return 0;
    if (d->type_num == py::detail::npy_api::NPY_DOUBLE_) return 2;
    if (d->type_num == py::detail::npy_api::NPY_FLOAT_) return 1;
    return 0;
}

bool fast_detections(py::handle xyxy, py::handle scores, py::handle class_ids, double* stack, std::size_t stack_size,
                     std::vector<double>& heap, FastDetections& out) {
    if (!py::isinstance<py::array>(xyxy) || !py::isinstance<py::array>(scores)) return false;
    const auto* b = py::detail::array_proxy(xyxy.ptr());
    const auto* s = py::detail::array_proxy(scores.ptr());
    if (b->nd != 2 || b->dimensions[1] != 4 || s->nd != 1 || s->dimensions[0] != b->dimensions[0]) return false;
    const int kb = float_kind(b), ks = float_kind(s);
    if (kb == 0 || ks == 0) return false;
    const py::ssize_t n = b->dimensions[0];
    out.n = static_cast<std::size_t>(n);
    const bool b_direct = kb == 2 && (n <= 1 || b->strides[0] == 32) && b->strides[1] == 8;
    const bool s_direct = ks == 2 && (n <= 1 || s->strides[0] == 8);
    if (!class_ids.is_none()) {
        if (!py::isinstance<py::array>(class_ids)) return false;
        const auto* c = py::detail::array_proxy(class_ids.ptr());
        const auto* d = py::detail::array_descriptor_proxy(c->descr);
        constexpr int kAligned = 0x0100;  // NPY_ARRAY_ALIGNED
        if (c->nd != 1 || c->dimensions[0] != n || d->byteorder == '>' || !(c->flags & kAligned) ||
            d->type_num != py::detail::npy_format_descriptor<std::int64_t>::value || (n > 1 && c->strides[0] != 8))
            return false;
        out.class_ids = reinterpret_cast<const std::int64_t*>(c->data);
    }
    const std::size_t need = static_cast<std::size_t>((b_direct ? 0 : 4 * n) + (s_direct ? 0 : n));
    double* next = stack;
    if (need > stack_size) {
        heap.resize(need);
        next = heap.data();
    }
    if (b_direct) {
        out.xyxy = reinterpret_cast<const double*>(b->data);
    } else {
        if (kb == 2) widen_strided<double>(b->data, n, 4, b->strides, next);
        else widen_strided<float>(b->data, n, 4, b->strides, next);
        out.xyxy = next;
        next += 4 * n;
    }
    if (s_direct) {
        out.scores = reinterpret_cast<const double*>(s->data);
    } else {
        if (ks == 2) widen_strided<double>(s->data, n, 1, s->strides, next);
        else widen_strided<float>(s->data, n, 1, s->strides, next);
        out.scores = next;
    }
    return true;
}

// ---------------------------------------------------------------- results

// Tracks of one frame (the Python-facing result object). update() only copies
// the rows; each NumPy column is built on its first access (one allocation,
// straight through the NumPy C API) and kept: building five arrays eagerly was
// most of a small update's Python cost.
struct Tracks {
    std::vector<TrackOutput> rows;
    py::object columns[5];  // track_id, xyxy, score, class_id, det_index

    static Tracks from(const std::vector<TrackOutput>& out) {
        Tracks t;
        t.rows = out;
        return t;
    }

    py::object column(int k) {
        if (!columns[k]) columns[k] = build(k);
        return columns[k];
    }

    py::object build(int k) const {
        const py::ssize_t m = static_cast<py::ssize_t>(rows.size());
        const int nd = k == 1 ? 2 : 1;
        const int typenum = (k == 1 || k == 2) ? py::detail::npy_api::NPY_DOUBLE_
                                               : py::detail::npy_format_descriptor<std::int64_t>::value;
        auto& api = py::detail::npy_api::get();
        py::ssize_t dims[2] = {m, 4};
        PyObject* descr = api.PyArray_DescrFromType_(typenum);  // new reference, stolen below
        if (!descr) throw py::error_already_set();
        auto arr = py::reinterpret_steal<py::object>(
            api.PyArray_NewFromDescr_(api.PyArray_Type_, descr, nd, dims, nullptr, nullptr, 0, nullptr));
        if (!arr) throw py::error_already_set();
        void* data = py::detail::array_proxy(arr.ptr())->data;
        auto* i64 = static_cast<std::int64_t*>(data);
        auto* f64 = static_cast<double*>(data);
        for (py::ssize_t i = 0; i < m; ++i) {
            const TrackOutput& o = rows[static_cast<std::size_t>(i)];
            switch (k) {
                case 0: i64[i] = o.track_id; break;
                case 1:
                    f64[4 * i + 0] = o.box.x1;
                    f64[4 * i + 1] = o.box.y1;
                    f64[4 * i + 2] = o.box.x2;
                    f64[4 * i + 3] = o.box.y2;
                    break;
                case 2: f64[i] = o.score; break;
                case 3: i64[i] = o.class_id; break;
                default: i64[i] = o.det_index; break;
            }
        }
        return arr;
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
        .def_property_readonly("track_id", [](Tracks& t) { return t.column(0); })
        .def_property_readonly("xyxy", [](Tracks& t) { return t.column(1); })
        .def_property_readonly("score", [](Tracks& t) { return t.column(2); })
        .def_property_readonly("class_id", [](Tracks& t) { return t.column(3); })
        .def_property_readonly("det_index", [](Tracks& t) { return t.column(4); })
        .def("__len__", [](const Tracks& t) { return t.rows.size(); })
        .def("__repr__", [](Tracks& t) {
            std::ostringstream s;
            s << "Tracks(n=" << t.rows.size() << ", track_id=" << std::string(py::repr(t.column(0))) << ")";
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

// ---------------------------------------------------------------- association

std::vector<Box> boxes_from(py::handle obj, const char* name) {
    py::array raw = numeric_array(obj, name);
    if (!(raw.ndim() == 2 && raw.shape(1) == 4) && raw.size() != 0)
        throw py::value_error(std::string(name) + " must have shape (N, 4)");
    DoubleArray a = DoubleArray::ensure(raw);
    const std::size_t n = static_cast<std::size_t>(a.size() / 4);
    std::vector<Box> boxes(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double* p = a.data() + 4 * i;
        boxes[i] = Box{p[0], p[1], p[2], p[3]};
    }
    return boxes;
}

void bind_association(py::module_& m) {
    m.def(
        "match_boxes",
        [](py::handle tracks_obj, py::handle dets_obj, py::handle scores_obj, double cost_limit, bool fuse,
           const std::string& method) {
            const std::vector<Box> tracks = boxes_from(tracks_obj, "tracks");
            const std::vector<Box> dets = boxes_from(dets_obj, "dets");
            DoubleArray scores = DoubleArray::ensure(numeric_array(scores_obj, "scores"));
            if (static_cast<std::size_t>(scores.size()) != dets.size())
                throw py::value_error("scores must have one value per detection");
            if (!std::isfinite(cost_limit)) throw py::value_error("cost_limit must be finite");
            if (!OverlapGrid::all_finite(dets.data(), static_cast<int>(dets.size())))
                throw py::value_error("dets contains NaN or inf");
            for (py::ssize_t k = 0; k < scores.size(); ++k) {
                if (!std::isfinite(scores.data()[k])) throw py::value_error("scores contains NaN or inf");
            }
            SparseAssignment solver;
            if (method == "dense") {
                solver.set_mode(SparseAssignment::Mode::Dense);
            } else if (method == "sparse") {
                solver.set_mode(SparseAssignment::Mode::Sparse);
            } else if (method != "auto") {
                throw py::value_error("method must be 'auto', 'sparse' or 'dense'");
            }
            const int rows = static_cast<int>(tracks.size()), cols = static_cast<int>(dets.size());
            std::vector<int> xs(rows), ys(cols);
            if (!solver.solve(tracks.data(), rows, dets.data(), scores.data(), cols, cost_limit, fuse, xs.data(),
                              ys.data()))
                throw std::runtime_error("assignment failed");
            py::array_t<std::int64_t> x(rows), y(cols);
            for (int i = 0; i < rows; ++i) x.mutable_data()[i] = xs[i];
            for (int j = 0; j < cols; ++j) y.mutable_data()[j] = ys[j];
            const auto& st = solver.stats();
            py::dict stats;
            stats["dense"] = st.dense;
            stats["sparse"] = st.sparse;
            stats["fallback"] = st.fallback;
            stats["components"] = st.components;
            stats["lapjv_components"] = st.lapjv_components;
            return py::make_tuple(x, y, stats);
        },
        py::arg("tracks"), py::arg("dets"), py::arg("scores"), py::arg("cost_limit"), py::arg("fuse") = false,
        py::arg("method") = "auto",
        R"doc(
The tracker's assignment step on its own: matches track boxes to detection boxes
(x1, y1, x2, y2) by IoU(+1 px) distance, fused with the scores if `fuse`, under
`cost_limit`, as lapjv with cost-limit padding does on the dense matrix.
method: "dense" (the dense lapjv), "sparse" (per overlap component, falling back
to dense on ties), "auto" (what BYTETracker uses). Returns (x, y, stats).
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
                {
                    // Converted input goes to the stack when small, else to the heap.
                    double stack[320];
                    std::vector<double> heap;
                    FastDetections fast;
                    if (fast_detections(xyxy, scores, class_ids, stack, 320, heap, fast))
                        return Tracks::from(self.update(fast.xyxy, fast.scores, fast.class_ids, fast.n));
                }
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
        .def(
            "_set_association",
            [](BYTETracker& self, const std::string& method) {
                if (method == "dense") {
                    self.set_association_mode(SparseAssignment::Mode::Dense);
                } else if (method == "sparse") {
                    self.set_association_mode(SparseAssignment::Mode::Sparse);
                } else if (method == "auto") {
                    self.set_association_mode(SparseAssignment::Mode::Auto);
                } else {
                    throw py::value_error("method must be 'auto', 'sparse' or 'dense'");
                }
            },
            py::arg("method"), "Testing/benchmark switch of the assignment path (results are identical).")
        .def(
            "_set_slot_compaction",
            [](BYTETracker& self, std::int64_t every, std::int64_t min_tracks) {
                if (every < 0 || min_tracks < 0) throw py::value_error("every and min_tracks must be >= 0");
                self.set_slot_compaction(every, static_cast<std::size_t>(min_tracks));
            },
            py::arg("every"), py::arg("min_tracks"), "Testing switch of the slot-pool compaction (output unchanged).")
        .def("_association_stats",
             [](const BYTETracker& self) {
                 const auto& st = self.association_stats();
                 py::dict d;
                 d["dense"] = st.dense;
                 d["sparse"] = st.sparse;
                 d["fallback"] = st.fallback;
                 d["components"] = st.components;
                 d["lapjv_components"] = st.lapjv_components;
                 return d;
             })
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
    bind_association(m);
    bind_id_counter(m);
    bind_byte_tracker(m);
    bind_scene_generator(m);
}
