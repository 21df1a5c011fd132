// Python bindings: argument conversion and validation only; all logic is in the
// C++ library.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bytetrack/association.hpp"
#include "bytetrack/byte_tracker.hpp"
#include "bytetrack/compat_engines.hpp"
#include "bytetrack/cpython_set_order.hpp"
#include "bytetrack/id_counter.hpp"
#include "bytetrack/lapjv.hpp"
#include "bytetrack/linear_sum_assignment.hpp"
#include "bytetrack/multi_stream_tracker.hpp"
#include "bytetrack/tracker_engine.hpp"
#include "bytetrack/scene_generator.hpp"
#include "bytetrack/tracker_state.hpp"
#include "bytetrack/supervision_byte_track.hpp"
#include "bytetrack/trackers_tracker.hpp"

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
    std::uint8_t dtypes = 0;  // input_dtype flags of the caller's arrays
    const std::int64_t* class_ptr() const { return has_class_ids ? class_ids.data() : nullptr; }
};

// input_dtype flags (tracker_engine.hpp) of the caller's arrays, by the rules the
// compat references follow: NumPy computes in an array's own dtype (trackers
// widens float16 boxes to float32), and supervision stacks xyxy and confidence
// into one array first.
std::uint8_t input_dtypes(const py::array& xyxy, const py::array& scores) {
    const py::dtype box = xyxy.dtype(), score = scores.dtype();
    auto narrow_float = [](const py::dtype& d) { return d.kind() == 'f' && d.itemsize() <= 4; };
    std::uint8_t flags = 0;
    if (narrow_float(box)) flags |= input_dtype::kXyxyFloat32;
    if (narrow_float(score)) flags |= input_dtype::kScoresFloat32;
    if (score.kind() == 'f' && score.itemsize() == 2) flags |= input_dtype::kScoresFloat16;
    const py::dtype f64 = py::dtype::of<double>(), f32 = py::dtype::of<float>();
    if (box.equal(f32) && score.equal(f32)) {
        flags |= input_dtype::kStackedFloat32;
    } else if (!box.equal(f64) && !score.equal(f64)) {
        // Mixed narrow dtypes (float16, small integers): NumPy's promotion decides.
        const py::dtype stacked(py::module_::import("numpy").attr("result_type")(box, score));
        if (stacked.equal(f32)) flags |= input_dtype::kStackedFloat32;
    }
    return flags;
}

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
    in.dtypes = input_dtypes(xyxy, scores);
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

// Zero-copy fast path for the common call: NumPy float64/float32 boxes (N, 4)
// and scores (N,), any strides. float64 C-contiguous input is used in place;
// anything else is widened into `buffer` (a plain loop, no NumPy call). Returns
// false (caller takes the general path) for other input.
struct FastDetections {
    const double* xyxy = nullptr;
    const double* scores = nullptr;
    const std::int64_t* class_ids = nullptr;
    std::size_t n = 0;
    std::uint8_t dtypes = 0;  // input_dtype flags of the caller's arrays
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
    out.dtypes = static_cast<std::uint8_t>((kb == 1 ? input_dtype::kXyxyFloat32 : 0) |
                                           (ks == 1 ? input_dtype::kScoresFloat32 : 0) |
                                           (kb == 1 && ks == 1 ? input_dtype::kStackedFloat32 : 0));
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

// ---------------------------------------------------------------- fastcall methods

// Per-frame hot paths (BYTETracker.update, MultiStreamTracker.update/update_batch,
// ByteTrackTracker.update_arrays) are installed as plain CPython METH_FASTCALL
// methods: pybind11's generic dispatcher costs more than a small frame's tracking.

// Runs `body` (returning py::object) and converts C++ exceptions to Python errors,
// as pybind11 would for a bound function.
template <class Body>
PyObject* guarded(Body&& body) {
    try {
        return body().release().ptr();
    } catch (py::error_already_set& e) {
        e.restore();
    } catch (py::builtin_exception& e) {
        e.set_error();
    } catch (const std::invalid_argument& e) {
        PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::out_of_range& e) {
        PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const std::bad_alloc&) {
        PyErr_NoMemory();
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
    }
    return nullptr;
}

// The C++ object of a pybind11 instance `self`. These methods bypass pybind11's
// dispatcher, which refuses instances whose __init__/__setstate__ never
// completed; do the same.
template <class T>
T& instance_of(PyObject* self) {
    auto* inst = reinterpret_cast<py::detail::instance*>(self);
    py::detail::value_and_holder vh = inst->get_value_and_holder(py::detail::get_type_info(typeid(T)));
    if (!vh || !vh.holder_constructed() || vh.value_ptr() == nullptr)
        throw py::type_error("the object is not initialized (__init__ or __setstate__ did not complete)");
    return *vh.template value_ptr<T>();
}

// Fills values[0..count) from a fastcall argument list, by position or keyword;
// parameters from `required` on default to None. False (TypeError set) on a bad call.
bool fastcall_args(const char* fn, const char* const* names, int count, int required, PyObject* const* args,
                   Py_ssize_t nargs, PyObject* kwnames, PyObject** values) {
    if (nargs > count) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %d arguments (%zd given)", fn, count, nargs);
        return false;
    }
    for (int j = 0; j < count; ++j) values[j] = j < nargs ? args[j] : nullptr;
    const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; ++k) {
        PyObject* key = PyTuple_GET_ITEM(kwnames, k);
        int slot = -1;
        for (int j = 0; j < count && slot < 0; ++j)
            if (PyUnicode_CompareWithASCIIString(key, names[j]) == 0) slot = j;
        if (slot < 0) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", fn, key);
            return false;
        }
        if (values[slot] != nullptr) {
            PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fn, names[slot]);
            return false;
        }
        values[slot] = args[nargs + k];
    }
    for (int j = 0; j < count; ++j) {
        if (values[j] != nullptr) continue;
        if (j < required) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", fn, names[j]);
            return false;
        }
        values[j] = Py_None;
    }
    return true;
}

// Installs `def` (static storage) as a method of the pybind11 class `cls`.
void add_fastcall_method(py::handle cls, PyMethodDef* def) {
    PyObject* method = PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
    if (!method) throw py::error_already_set();
    py::setattr(cls, def->ml_name, py::reinterpret_steal<py::object>(method));
}

// ---------------------------------------------------------------- results

// Tracks of one frame, the Python-facing result object. It is a plain CPython
// type rather than a pybind11 class: the rows live inline in the object (one
// allocation per result instead of three), which is most of what a small
// update costs on the Python side. Each NumPy column is built on its first
// access (straight through the NumPy C API) and kept.
struct TracksObject {
    PyObject_VAR_HEAD               // ob_size: number of rows
    PyObject* columns[5];           // track_id, xyxy, score, class_id, det_index; null until built
    TrackOutput rows[1];            // ob_size of them (variable-size object)
};

// Set once while the module is imported, read-only afterwards.
PyTypeObject* tracks_type = nullptr;

py::object make_tracks(const TrackOutput* rows, std::size_t count) {
    PyObject* obj = tracks_type->tp_alloc(tracks_type, static_cast<Py_ssize_t>(count));
    if (!obj) throw py::error_already_set();
    auto* t = reinterpret_cast<TracksObject*>(obj);
    for (PyObject*& c : t->columns) c = nullptr;
    if (count) std::memcpy(t->rows, rows, count * sizeof(TrackOutput));
    return py::reinterpret_steal<py::object>(obj);
}

py::object make_tracks(const std::vector<TrackOutput>& rows) { return make_tracks(rows.data(), rows.size()); }

PyObject* build_tracks_column(const TracksObject* t, int k) {
    const Py_ssize_t m = Py_SIZE(t);
    const int nd = k == 1 ? 2 : 1;
    const int typenum = (k == 1 || k == 2) ? py::detail::npy_api::NPY_DOUBLE_
                                           : py::detail::npy_format_descriptor<std::int64_t>::value;
    auto& api = py::detail::npy_api::get();
    Py_intptr_t dims[2] = {m, 4};
    PyObject* descr = api.PyArray_DescrFromType_(typenum);  // new reference, stolen below
    if (!descr) return nullptr;
    PyObject* arr = api.PyArray_NewFromDescr_(api.PyArray_Type_, descr, nd, dims, nullptr, nullptr, 0, nullptr);
    if (!arr) return nullptr;
    void* data = py::detail::array_proxy(arr)->data;
    auto* i64 = static_cast<std::int64_t*>(data);
    auto* f64 = static_cast<double*>(data);
    for (Py_ssize_t i = 0; i < m; ++i) {
        const TrackOutput& o = t->rows[i];
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

PyObject* tracks_column(PyObject* self, void* closure) {
    auto* t = reinterpret_cast<TracksObject*>(self);
    const int k = static_cast<int>(reinterpret_cast<std::intptr_t>(closure));
    if (!t->columns[k]) {
        t->columns[k] = build_tracks_column(t, k);
        if (!t->columns[k]) return nullptr;
    }
    Py_INCREF(t->columns[k]);
    return t->columns[k];
}

void tracks_dealloc(PyObject* self) {
    auto* t = reinterpret_cast<TracksObject*>(self);
    for (PyObject* c : t->columns) Py_XDECREF(c);
    PyTypeObject* type = Py_TYPE(self);
    type->tp_free(self);
    Py_DECREF(type);  // instances of heap types own a reference to their type
}

Py_ssize_t tracks_len(PyObject* self) { return Py_SIZE(self); }

PyObject* tracks_repr(PyObject* self) {
    PyObject* ids = tracks_column(self, reinterpret_cast<void*>(std::intptr_t{0}));
    if (!ids) return nullptr;
    PyObject* r = PyUnicode_FromFormat("Tracks(n=%zd, track_id=%R)", Py_SIZE(self), ids);
    Py_DECREF(ids);
    return r;
}

PyObject* tracks_refuse_pickle(PyObject*, PyObject*) {
    PyErr_SetString(PyExc_TypeError, "cannot pickle 'Tracks' object (Tracks holds no tracker state)");
    return nullptr;
}

PyObject* tracks_refuse_new(PyTypeObject*, PyObject*, PyObject*) {
    PyErr_SetString(PyExc_TypeError, "Tracks objects are created by update(); they cannot be constructed");
    return nullptr;
}

void bind_tracks(py::module_& m) {
    static const char doc[] = R"doc(Confirmed tracks of one frame, in the reference tracker's output order.

Attributes are NumPy arrays of equal length M:
    track_id  (M,)   int64   track ids
    xyxy      (M, 4) float64 Kalman-filtered box (x1, y1, x2, y2) the reference reports
    score     (M,)   float64 score of the detection that last updated the track
    class_id  (M,)   int64   class of that detection (-1 when no classes were given)
    det_index (M,)   int64   row of that detection in this frame's input
)doc";
    static PyGetSetDef getset[] = {
        {"track_id", tracks_column, nullptr, "(M,) int64 track ids", reinterpret_cast<void*>(std::intptr_t{0})},
        {"xyxy", tracks_column, nullptr, "(M, 4) float64 boxes (x1, y1, x2, y2)", reinterpret_cast<void*>(std::intptr_t{1})},
        {"score", tracks_column, nullptr, "(M,) float64 scores", reinterpret_cast<void*>(std::intptr_t{2})},
        {"class_id", tracks_column, nullptr, "(M,) int64 class ids", reinterpret_cast<void*>(std::intptr_t{3})},
        {"det_index", tracks_column, nullptr, "(M,) int64 input rows", reinterpret_cast<void*>(std::intptr_t{4})},
        {nullptr, nullptr, nullptr, nullptr, nullptr}};
    static PyMethodDef methods[] = {
        {"__reduce_ex__", tracks_refuse_pickle, METH_O, nullptr},
        {"__reduce__", tracks_refuse_pickle, METH_NOARGS, nullptr},  // called with (self, NULL)
        {nullptr, nullptr, 0, nullptr}};
    static PyType_Slot slots[] = {
        {Py_tp_dealloc, reinterpret_cast<void*>(tracks_dealloc)},
        {Py_tp_getset, getset},
        {Py_tp_methods, methods},
        {Py_tp_repr, reinterpret_cast<void*>(tracks_repr)},
        {Py_sq_length, reinterpret_cast<void*>(tracks_len)},
        {Py_tp_new, reinterpret_cast<void*>(tracks_refuse_new)},
        {Py_tp_doc, const_cast<char*>(doc)},
        {0, nullptr}};
    static PyType_Spec spec = {"bytetrack_cpp._core.Tracks", static_cast<int>(offsetof(TracksObject, rows)),
                               static_cast<int>(sizeof(TrackOutput)), Py_TPFLAGS_DEFAULT, slots};
    PyObject* type = PyType_FromSpec(&spec);
    if (!type) throw py::error_already_set();
    tracks_type = reinterpret_cast<PyTypeObject*>(type);
    m.add_object("Tracks", py::reinterpret_steal<py::object>(type));
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

// ---------------------------------------------------------------- linear_sum_assignment

void bind_linear_sum_assignment(py::module_& m) {
    m.def(
        "linear_sum_assignment",
        [](py::handle cost_obj, bool maximize) {
            if (cost_obj.is_none()) throw py::type_error("cost must be an array of numbers, got None");
            py::array raw = py::array::ensure(cost_obj);
            if (!raw) throw py::type_error("cost must be array-like of numbers");
            const char kind = raw.dtype().kind();
            if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
                throw py::type_error("cost must hold real numbers, got dtype " +
                                     std::string(py::str(raw.dtype())));
            if (raw.ndim() != 2)
                throw py::value_error("expected a matrix (2-D array), got a " + std::to_string(raw.ndim()) +
                                      " array");
            if (raw.shape(0) > INT32_MAX / 2 || raw.shape(1) > INT32_MAX / 2)
                throw py::value_error("cost is too large");
            DoubleArray cost = DoubleArray::ensure(raw);
            const int rows = static_cast<int>(cost.shape(0));
            const int cols = static_cast<int>(cost.shape(1));
            const int k_max = std::min(rows, cols);
            std::vector<int> r(static_cast<std::size_t>(k_max)), c(static_cast<std::size_t>(k_max));
            LinearSumAssignment solver;
            int k;
            {
                py::gil_scoped_release release;
                k = solver.solve(cost.data(), rows, cols, maximize, r.data(), c.data());
            }
            if (k < 0) {
                if (solver.last_status() == LinearSumAssignment::Status::infeasible)
                    throw py::value_error("cost matrix is infeasible");
                throw py::value_error("matrix contains invalid numeric entries");
            }
            py::array_t<std::int64_t> row_ind(k), col_ind(k);
            for (int i = 0; i < k; ++i) {
                row_ind.mutable_data()[i] = r[static_cast<std::size_t>(i)];
                col_ind.mutable_data()[i] = c[static_cast<std::size_t>(i)];
            }
            return py::make_tuple(row_ind, col_ind);
        },
        py::arg("cost"), py::arg("maximize") = false,
        R"doc(
Solve the linear sum assignment problem exactly like scipy.optimize.linear_sum_assignment
(same algorithm, same pairs, same tie-breaking, same errors).

cost: (R, C) array of real numbers (scipy calls it cost_matrix); +inf forbids a pair.
maximize: find the maximum-weight matching instead.

Returns (row_ind, col_ind), int64 arrays of length min(R, C), sorted by row.
Raises ValueError if the matrix is not 2-D, contains NaN (or -inf when minimising,
+inf when maximising), or admits no complete assignment.
)doc");
}

// ---------------------------------------------------------------- state (pickle / deepcopy)

// The state blob of save_state/load_state (tracker_state.hpp) as bytes.
std::string state_bytes(py::handle state) {
    if (!py::isinstance<py::bytes>(state))
        throw py::type_error("state must be bytes (as produced by __getstate__), got " +
                             std::string(py::str(py::type::of(state).attr("__name__"))));
    return std::string(py::reinterpret_borrow<py::bytes>(state));
}

// pickle.dumps / copy.deepcopy support for an engine with save_state and a loader.
template <class Engine, class Loader>
auto state_pickle(Loader load) {
    return py::pickle([](const Engine& e) { return py::bytes(save_state(e)); },
                      [load](py::object state) { return load(state_bytes(state)); });
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

// ---------------------------------------------------------------- trackers ByteTrackTracker

// (a, b): two new int64 arrays of length m copied from `a` and `b` (new reference).
PyObject* int64_pair(const std::int64_t* a, const std::int64_t* b, std::size_t m) {
    auto& api = py::detail::npy_api::get();
    Py_intptr_t dims[1] = {static_cast<Py_intptr_t>(m)};
    PyObject* out[2] = {nullptr, nullptr};
    const std::int64_t* src[2] = {a, b};
    for (int k = 0; k < 2; ++k) {
        PyObject* descr = api.PyArray_DescrFromType_(py::detail::npy_api::NPY_INT64_);
        if (!descr) break;
        out[k] = api.PyArray_NewFromDescr_(api.PyArray_Type_, descr, 1, dims, nullptr, nullptr, 0, nullptr);
        if (!out[k]) break;
        if (m) std::memcpy(py::detail::array_proxy(out[k])->data, src[k], m * sizeof(std::int64_t));
    }
    if (!out[0] || !out[1]) {
        Py_XDECREF(out[0]);
        Py_XDECREF(out[1]);
        throw py::error_already_set();
    }
    PyObject* pair = PyTuple_New(2);
    if (!pair) {
        Py_DECREF(out[0]);
        Py_DECREF(out[1]);
        throw py::error_already_set();
    }
    PyTuple_SET_ITEM(pair, 0, out[0]);
    PyTuple_SET_ITEM(pair, 1, out[1]);
    return pair;
}

// The roboflow trackers engine plus per-instance conversion buffers, so a warm
// update_arrays call allocates nothing but its two result arrays.
struct TrackersEngine {
    TrackersByteTracker tracker;
    std::vector<double> xyxy_buf, conf_buf;
    // The supervision.Detections class update() may build directly (set by the Python
    // adapter once it has checked the class's fields), and attribute names.
    py::object detections_type = py::none();
    py::object s_xyxy = py::str("xyxy"), s_mask = py::str("mask"), s_confidence = py::str("confidence"),
               s_class_id = py::str("class_id"), s_tracker_id = py::str("tracker_id"), s_data = py::str("data"),
               s_metadata = py::str("metadata"), s_take = py::str("take");
    explicit TrackersEngine(const TrackersConfig& c) : tracker(c) {}
    explicit TrackersEngine(TrackersByteTracker t) : tracker(std::move(t)) {}
};

// Copies a real-valued, native-endian float32/float64 array (1-D or 2-D, any
// strides) into `out` as doubles, in C order.
void copy_as_double(const py::array& a, std::vector<double>& out) {
    const py::ssize_t n = a.size();
    out.resize(static_cast<std::size_t>(n));
    if (n == 0) return;
    const bool f32 = a.itemsize() == 4;
    const int nd = static_cast<int>(a.ndim());
    const char* base = static_cast<const char*>(a.data());
    const py::ssize_t rows = nd >= 1 ? a.shape(0) : 1;
    const py::ssize_t cols = nd >= 2 ? a.shape(1) : 1;
    const py::ssize_t s0 = nd >= 1 ? a.strides(0) : 0;
    const py::ssize_t s1 = nd >= 2 ? a.strides(1) : 0;
    std::size_t k = 0;
    for (py::ssize_t i = 0; i < rows; ++i) {
        for (py::ssize_t j = 0; j < cols; ++j, ++k) {
            const char* p = base + i * s0 + j * s1;
            if (f32) {
                float f;
                std::memcpy(&f, p, 4);
                out[k] = f;
            } else {
                std::memcpy(&out[k], p, 8);
            }
        }
    }
}

bool native_byte_order(const py::dtype& d) {
    const char order = d.byteorder();
    const std::uint16_t probe = 1;
    unsigned char first_byte;
    std::memcpy(&first_byte, &probe, 1);
    const char native = first_byte == 1 ? '<' : '>';
    return order == '=' || order == '|' || order == native;
}

// A real-valued array as native float32 or float64 (other real dtypes become
// float64, as they behave in the reference; float16 becomes float32). `float_bits`
// is the precision NumPy computes in for it: 16, 32 or 64.
py::array as_real_array(py::handle obj, const char* name, int& float_bits) {
    if (obj.is_none()) throw py::type_error(std::string(name) + " must be an array of numbers, got None");
    py::array a = py::isinstance<py::array>(obj) ? py::reinterpret_borrow<py::array>(obj) : py::array::ensure(obj);
    if (!a) throw py::type_error(std::string(name) + " must be array-like of numbers");
    const py::dtype dt = a.dtype();
    const char kind = dt.kind();
    if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
        throw py::type_error(std::string(name) + " must hold real numbers, got dtype " + std::string(py::str(dt)));
    float_bits = kind == 'f' && dt.itemsize() <= 4 ? static_cast<int>(dt.itemsize()) * 8 : 64;
    const bool is_float32 = float_bits <= 32;
    const bool direct = kind == 'f' && (dt.itemsize() == 4 || dt.itemsize() == 8) && native_byte_order(dt);
    if (!direct) {
        if (is_float32)
            a = py::array_t<float, py::array::forcecast>::ensure(a);
        else
            a = py::array_t<double, py::array::forcecast>::ensure(a);
        if (!a) throw py::error_already_set();
    }
    if (a.ndim() > 2) throw py::value_error(std::string(name) + " has too many dimensions");
    return a;
}

// Validates and runs one frame; the output rows / ids are in engine.tracker.
std::size_t run_frame(TrackersEngine& self, py::handle xyxy_obj, py::handle conf_obj, py::handle ts_obj) {
    int xyxy_bits = 64;
    py::array xyxy = as_real_array(xyxy_obj, "xyxy", xyxy_bits);
    std::size_t n;
    if (xyxy.ndim() == 2 && xyxy.shape(1) == 4) {
        n = static_cast<std::size_t>(xyxy.shape(0));
    } else if (xyxy.size() == 0 && (xyxy.ndim() == 1 || xyxy.shape(0) == 0)) {
        n = 0;
    } else {
        std::ostringstream msg;
        msg << "xyxy must have shape (N, 4), got (";
        for (py::ssize_t d = 0; d < xyxy.ndim(); ++d) msg << (d ? ", " : "") << xyxy.shape(d);
        msg << (xyxy.ndim() == 1 ? ",)" : ")");
        throw py::value_error(msg.str());
    }
    TrackersFrame frame;
    frame.n = n;
    frame.xyxy_float32 = xyxy_bits <= 32;
    copy_as_double(xyxy, self.xyxy_buf);
    frame.xyxy = self.xyxy_buf.data();
    if (!conf_obj.is_none()) {
        int conf_bits = 64;
        py::array conf = as_real_array(conf_obj, "confidence", conf_bits);
        if (!(conf.ndim() == 1 || (conf.size() == 0 && n == 0)))
            throw py::value_error("confidence must be 1-D with N elements");
        if (static_cast<std::size_t>(conf.size()) != n)
            throw py::value_error("confidence has " + std::to_string(conf.size()) + " elements but xyxy has " +
                                  std::to_string(n) + " rows");
        frame.confidence_float32 = conf_bits <= 32;
        frame.confidence_float16 = conf_bits == 16;
        copy_as_double(conf, self.conf_buf);
        frame.confidence = self.conf_buf.data();
    }
    double ts = 0.0;
    const double* ts_ptr = nullptr;
    if (!ts_obj.is_none()) {
        if (self.tracker.config().version == TrackersVersion::V2_2_0)
            throw py::type_error("timestamp is not supported by version=\"2.2.0\"");
        if (PyBool_Check(ts_obj.ptr()) || !PyNumber_Check(ts_obj.ptr()))
            throw py::type_error("timestamp must be a number or None");
        ts = py::cast<double>(py::float_(py::reinterpret_borrow<py::object>(ts_obj)));
        ts_ptr = &ts;
    }
    return self.tracker.update(frame, ts_ptr);
}

py::tuple trackers_update_arrays(TrackersEngine& self, py::handle xyxy_obj, py::handle conf_obj, py::handle ts_obj) {
    const std::size_t m = run_frame(self, xyxy_obj, conf_obj, ts_obj);
    return py::reinterpret_steal<py::tuple>(int64_pair(self.tracker.rows().data(), self.tracker.ids().data(), m));
}

// ---- supervision.Detections built directly (the adapter's fast path)

bool is_exact_ndarray(PyObject* o) {
    return Py_TYPE(o) == py::detail::npy_api::get().PyArray_Type_;
}

// a.take(rows, axis=0): a plain row copy for C-contiguous arrays of plain data,
// NumPy's own take otherwise (object dtypes, strided views).
// New int64 array holding `values` (new reference).
PyObject* int64_array(const std::int64_t* values, std::size_t m) {
    auto& api = py::detail::npy_api::get();
    Py_intptr_t dims[1] = {static_cast<Py_intptr_t>(m)};
    PyObject* descr = api.PyArray_DescrFromType_(py::detail::npy_api::NPY_INT64_);
    if (!descr) throw py::error_already_set();
    PyObject* out = api.PyArray_NewFromDescr_(api.PyArray_Type_, descr, 1, dims, nullptr, nullptr, 0, nullptr);
    if (!out) throw py::error_already_set();
    if (m) std::memcpy(py::detail::array_proxy(out)->data, values, m * sizeof(std::int64_t));
    return out;
}

py::object take_rows(TrackersEngine& self, PyObject* a, const std::vector<std::int64_t>& rows) {
    auto numpy_take = [&] {
        py::object rows_array = py::reinterpret_steal<py::object>(int64_array(rows.data(), rows.size()));
        return py::reinterpret_borrow<py::object>(a).attr(self.s_take)(rows_array, 0);
    };
    auto& api = py::detail::npy_api::get();
    auto* proxy = py::detail::array_proxy(a);
    py::dtype dt = py::reinterpret_borrow<py::dtype>(proxy->descr);
    const char kind = dt.kind();
    const bool c_contiguous = (proxy->flags & py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_) != 0;
    if (proxy->nd < 1 || proxy->nd > 32 || !c_contiguous || kind == 'O' || kind == 'V') return numpy_take();
    const int nd = proxy->nd;
    Py_intptr_t dims[32];
    std::size_t row_bytes = static_cast<std::size_t>(dt.itemsize());
    for (int d = 0; d < nd; ++d) {
        dims[d] = proxy->dimensions[d];
        if (d > 0) row_bytes *= static_cast<std::size_t>(proxy->dimensions[d]);
    }
    dims[0] = static_cast<Py_intptr_t>(rows.size());
    Py_INCREF(proxy->descr);  // stolen by NewFromDescr
    PyObject* out = api.PyArray_NewFromDescr_(api.PyArray_Type_, proxy->descr, nd, dims, nullptr, nullptr, 0, nullptr);
    if (!out) throw py::error_already_set();
    char* dst = py::detail::array_proxy(out)->data;
    const char* src = proxy->data;
    const std::int64_t n_rows = proxy->dimensions[0];
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i] < 0 || rows[i] >= n_rows) {
            Py_DECREF(out);
            throw py::index_error("row index out of range");
        }
        std::memcpy(dst + i * row_bytes, src + static_cast<std::size_t>(rows[i]) * row_bytes, row_bytes);
    }
    return py::reinterpret_steal<py::object>(out);
}

// detections.update fast path. Returns False (tracker untouched) when the adapter's
// general path must handle the call, None when the frame ran and its result is
// empty, else the new Detections.
py::object trackers_update_detections(TrackersEngine& self, py::handle det) {
    if (self.detections_type.is_none() || Py_TYPE(det.ptr()) != reinterpret_cast<PyTypeObject*>(self.detections_type.ptr()))
        return py::bool_(false);
    // The registered class is a plain dataclass: its fields are instance-dict entries.
    py::object in_fields = py::reinterpret_steal<py::object>(PyObject_GenericGetDict(det.ptr(), nullptr));
    if (!in_fields) throw py::error_already_set();
    auto field = [&](const py::object& name) -> py::object {
        PyObject* v = PyDict_GetItemWithError(in_fields.ptr(), name.ptr());
        if (!v) {
            if (PyErr_Occurred()) throw py::error_already_set();
            return py::object();
        }
        return py::reinterpret_borrow<py::object>(v);
    };
    py::object xyxy = field(self.s_xyxy), mask = field(self.s_mask), conf = field(self.s_confidence),
               cls = field(self.s_class_id), data = field(self.s_data), meta = field(self.s_metadata);
    if (!xyxy || !mask || !conf || !cls || !data || !meta) return py::bool_(false);
    // Only plain fields here; anything else takes the general path.
    if (!is_exact_ndarray(xyxy.ptr()) || !PyDict_CheckExact(data.ptr()) || !PyDict_CheckExact(meta.ptr()))
        return py::bool_(false);
    for (PyObject* f : {mask.ptr(), conf.ptr(), cls.ptr()})
        if (f != Py_None && !is_exact_ndarray(f)) return py::bool_(false);
    {
        PyObject *key, *value;
        Py_ssize_t pos = 0;
        while (PyDict_Next(data.ptr(), &pos, &key, &value))
            if (!is_exact_ndarray(value) && !PyList_CheckExact(value)) return py::bool_(false);
    }
    // trackers 2.2.0 deep-copies an empty input when it has no tracks.
    if (self.tracker.config().version == TrackersVersion::V2_2_0 && self.tracker.tracks().empty() &&
        py::detail::array_proxy(xyxy.ptr())->nd >= 1 && py::detail::array_proxy(xyxy.ptr())->dimensions[0] == 0)
        return py::bool_(false);

    const std::size_t m = run_frame(self, xyxy, conf, py::none());
    if (m == 0) return py::none();

    const std::vector<std::int64_t>& rows = self.tracker.rows();
    py::object tracker_id = py::reinterpret_steal<py::object>(int64_array(self.tracker.ids().data(), m));

    py::dict picked;
    {
        PyObject *key, *value;
        Py_ssize_t pos = 0;
        while (PyDict_Next(data.ptr(), &pos, &key, &value)) {
            if (PyList_CheckExact(value)) {
                const Py_ssize_t len = PyList_GET_SIZE(value);
                py::list out(static_cast<py::ssize_t>(m));
                for (std::size_t i = 0; i < m; ++i) {
                    if (rows[i] >= len) throw py::index_error("list index out of range");
                    PyObject* item = PyList_GET_ITEM(value, static_cast<Py_ssize_t>(rows[i]));
                    Py_INCREF(item);
                    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), item);
                }
                picked[key] = std::move(out);
            } else {
                picked[key] = take_rows(self, value, rows);
            }
        }
    }
    py::object result = py::reinterpret_steal<py::object>(
        PyBaseObject_Type.tp_new(reinterpret_cast<PyTypeObject*>(self.detections_type.ptr()), py::tuple().ptr(), nullptr));
    if (!result) throw py::error_already_set();
    py::object fields = py::reinterpret_steal<py::object>(PyObject_GenericGetDict(result.ptr(), nullptr));
    if (!fields) throw py::error_already_set();
    PyObject* d = fields.ptr();
    auto put = [&](const py::object& name, py::handle value) {
        if (PyDict_SetItem(d, name.ptr(), value.ptr()) != 0) throw py::error_already_set();
    };
    put(self.s_xyxy, take_rows(self, xyxy.ptr(), rows));
    put(self.s_mask, mask.is_none() ? mask : take_rows(self, mask.ptr(), rows));
    put(self.s_confidence, conf.is_none() ? conf : take_rows(self, conf.ptr(), rows));
    put(self.s_class_id, cls.is_none() ? cls : take_rows(self, cls.ptr(), rows));
    put(self.s_tracker_id, tracker_id);
    put(self.s_data, picked);
    put(self.s_metadata, py::reinterpret_steal<py::object>(PyDict_Copy(meta.ptr())));
    return result;
}

// update_arrays is the per-frame hot path of NumPy users, so it is installed as a
// plain CPython "fastcall" method: pybind11's generic dispatch and array_t
// construction would cost more than the tracking itself.
const char* const kUpdateArraysDoc = R"doc(update_arrays(xyxy, confidence=None, timestamp=None)

Advance one frame on plain arrays (no supervision needed).

xyxy: (N, 4) boxes (x1, y1, x2, y2); confidence: (N,) or None; timestamp: capture
time in seconds (version 2.6.1 only) or None for fixed-rate mode. float32 arrays
are compared and computed in float32, as NumPy does in the reference.

Returns (det_index, tracker_id), two int64 arrays: the input row and the tracker id
(-1 = not confirmed) of every output row, in the reference's output order
(step-1 matches, step-2 matches, unmatched low rows, unmatched high rows).
Invalid input raises ValueError/TypeError and leaves the tracker unchanged.
)doc";

PyObject* update_arrays_fastcall(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    static const char* const names[3] = {"xyxy", "confidence", "timestamp"};
    PyObject* values[3];
    if (!fastcall_args("update_arrays", names, 3, 1, args, nargs, kwnames, values)) return nullptr;
    return guarded([&] {
        TrackersEngine& engine = instance_of<TrackersEngine>(self);
        return py::object(trackers_update_arrays(engine, values[0], values[1], values[2]));
    });
}

PyObject* update_detections_fastcall(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "_update_detections() takes exactly one argument");
        return nullptr;
    }
    return guarded([&] {
        TrackersEngine& engine = instance_of<TrackersEngine>(self);
        return trackers_update_detections(engine, args[0]);
    });
}

PyMethodDef kUpdateDetectionsDef = {
    "_update_detections",
    reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&update_detections_fastcall)), METH_FASTCALL,
    "Fast path of ByteTrackTracker.update: False = not handled (tracker untouched), None = empty result."};

PyMethodDef kUpdateArraysDef = {"update_arrays", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(
                                                     &update_arrays_fastcall)),
                                METH_FASTCALL | METH_KEYWORDS, kUpdateArraysDoc};

const char* timestamp_outcome_name(TimestampOutcome o) {
    switch (o) {
        case TimestampOutcome::None: return "none";
        case TimestampOutcome::Bootstrap: return "bootstrap";
        case TimestampOutcome::Advanced: return "advanced";
        case TimestampOutcome::Duplicate: return "duplicate";
        case TimestampOutcome::Backwards: return "backwards";
        case TimestampOutcome::NonFinite: return "non_finite";
    }
    return "none";
}

void bind_trackers_byte_tracker(py::module_& m) {
    py::class_<TrackersEngine> cls(m, "TrackersByteTrackerCore", R"doc(
Native engine of bytetrack_cpp.ByteTrackTracker: roboflow trackers' ByteTrackTracker
(versions 2.2.0 and 2.6.1) on NumPy arrays. Use bytetrack_cpp.ByteTrackTracker,
which adds update(sv.Detections) on top of this class. pickle / copy save and
restore the complete engine state (versioned, see STATE_FORMAT_VERSION).
)doc");
    cls.def(py::init([](int lost_track_buffer, double frame_rate, double track_activation_threshold,
                         int minimum_consecutive_frames, double minimum_iou_threshold,
                         double high_conf_det_threshold, const std::string& version) {
                 TrackersConfig c;
                 c.lost_track_buffer = lost_track_buffer;
                 c.frame_rate = frame_rate;
                 c.track_activation_threshold = track_activation_threshold;
                 c.minimum_consecutive_frames = minimum_consecutive_frames;
                 c.minimum_iou_threshold = minimum_iou_threshold;
                 c.high_conf_det_threshold = high_conf_det_threshold;
                 c.version = parse_trackers_version(version);
                 return std::make_unique<TrackersEngine>(c);
             }),
             py::arg("lost_track_buffer") = 30, py::arg("frame_rate") = 30.0,
             py::arg("track_activation_threshold") = 0.7, py::arg("minimum_consecutive_frames") = 2,
             py::arg("minimum_iou_threshold") = 0.1, py::arg("high_conf_det_threshold") = 0.6,
             py::arg("version") = "2.6.1")
        .def("reset", [](TrackersEngine& self) { self.tracker.reset(); },
             "Forget all tracks and the timestamp anchor; ids restart at 0.")
        .def_property_readonly("version",
                               [](const TrackersEngine& s) { return trackers_version_name(s.tracker.config().version); })
        .def_property_readonly("lost_track_buffer", [](const TrackersEngine& s) { return s.tracker.config().lost_track_buffer; })
        .def_property_readonly("frame_rate", [](const TrackersEngine& s) { return s.tracker.config().frame_rate; })
        .def_property_readonly("track_activation_threshold",
                               [](const TrackersEngine& s) { return s.tracker.config().track_activation_threshold; })
        .def_property_readonly("minimum_consecutive_frames",
                               [](const TrackersEngine& s) { return s.tracker.config().minimum_consecutive_frames; })
        .def_property_readonly("minimum_iou_threshold",
                               [](const TrackersEngine& s) { return s.tracker.config().minimum_iou_threshold; })
        .def_property_readonly("high_conf_det_threshold",
                               [](const TrackersEngine& s) { return s.tracker.config().high_conf_det_threshold; })
        .def_property_readonly("maximum_frames_without_update",
                               [](const TrackersEngine& s) { return s.tracker.maximum_frames_without_update(); })
        .def_property_readonly("maximum_time_without_update",
                               [](const TrackersEngine& s) { return s.tracker.maximum_time_without_update(); })
        .def_property_readonly("num_tracks", [](const TrackersEngine& s) { return s.tracker.tracks().size(); },
                               "Live tracks (tentative, confirmed and lost).")
        .def_property_readonly("next_tracker_id", [](const TrackersEngine& s) { return s.tracker.next_id(); })
        .def_property_readonly("last_update_skipped", [](const TrackersEngine& s) { return s.tracker.skipped(); },
                               "The last update was skipped (non-finite or backwards timestamp).")
        .def_property_readonly("last_timestamp",
                               [](const TrackersEngine& s) -> py::object {
                                   double t;
                                   if (!s.tracker.last_timestamp(t)) return py::none();
                                   return py::float_(t);
                               },
                               "Timestamp of the last timestamped update (2.6.1), None in fixed-rate mode.")
        .def_property_readonly("last_timestamp_outcome",
                               [](const TrackersEngine& s) { return timestamp_outcome_name(s.tracker.timestamp_outcome()); },
                               "'none', 'bootstrap', 'advanced', 'duplicate', 'backwards' or 'non_finite'.")
        .def(py::pickle(
                 [](const TrackersEngine& e) { return py::bytes(save_state(e.tracker)); },
                 [](py::object state) {
                     return std::make_unique<TrackersEngine>(load_trackers_state(state_bytes(state)));
                 }),
             "Complete engine state as bytes (see STATE_FORMAT_VERSION); ByteTrackTracker pickles it.")
        .def("__reduce_ex__", &reduce_by_state)
        .def("_set_detections_type", [](TrackersEngine& s, py::object type) { s.detections_type = std::move(type); },
             "Registers the supervision.Detections class whose instances update() may build directly.")
        .def("_track_state", [](const TrackersEngine& s) {
            // (tracker_id, box, updates, time_since_update) of every live track, for tests.
            py::list out;
            for (const TrackersTrack& t : s.tracker.tracks())
                out.append(py::make_tuple(t.tracker_id, py::make_tuple(t.kf.x[0], t.kf.x[1], t.kf.x[2], t.kf.x[3]),
                                          t.updates, t.time_since_update));
            return out;
        });
    add_fastcall_method(cls, &kUpdateArraysDef);
    add_fastcall_method(cls, &kUpdateDetectionsDef);
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

// Classes without state support must refuse pickling with a TypeError: through
// copyreg's generic path (pickle protocols 0 and 1) a pybind11 object would
// terminate the process. IdCounter pickles as its start and position. Called
// after every class is bound.
void guard_pickling(py::module_& m) {
    m.def("_id_counter_at", [](std::int64_t start, std::int64_t next) {
        auto c = std::make_shared<IdCounter>(start);
        c->set_next(next);
        return c;
    });
    py::object counter_cls = m.attr("IdCounter");
    py::setattr(counter_cls, "__reduce_ex__",
                py::cpp_function(
                    [](const IdCounter& c, py::object) {
                        return py::make_tuple(py::module_::import("bytetrack_cpp._core").attr("_id_counter_at"),
                                              py::make_tuple(c.start(), c.peek()));
                    },
                    py::is_method(counter_cls)));
    for (const char* name : {"SceneGenerator"}) {
        if (!py::hasattr(m, name)) continue;
        py::object cls = m.attr(name);
        const std::string type_name = name;
        py::setattr(cls, "__reduce_ex__",
                    py::cpp_function(
                        [type_name](py::object self, py::object) -> py::object {
                            throw py::type_error("cannot pickle '" +
                                                 std::string(py::str(py::type::of(self).attr("__name__"))) +
                                                 "' object (" + type_name + " holds no tracker state)");
                        },
                        py::is_method(cls)));
    }
}

// ---------------------------------------------------------------- BYTETracker

// Detections of one update() call as C++ views: the zero-copy fast path when it
// applies, else the general conversion (which also produces every error message).
// Small converted input lives in `stack`; the object must outlive the views.
struct UpdateInput {
    static constexpr std::size_t kStack = 320;
    double stack[kStack];
    std::vector<double> heap;
    std::optional<DetectionsIn> general;  // optional: a default array_t allocates an empty array
    FastDetections view;

    UpdateInput(py::handle xyxy, py::handle scores, py::handle class_ids) {
        if (fast_detections(xyxy, scores, class_ids, stack, kStack, heap, view)) return;
        general.emplace(convert_detections(xyxy, scores, class_ids));
        view.xyxy = general->xyxy.data();
        view.scores = general->scores.data();
        view.class_ids = general->class_ptr();
        view.n = general->n;
        view.dtypes = general->dtypes;
    }
};

const char* const kByteTrackerUpdateDoc = R"doc(update($self, /, xyxy, scores, class_ids=None)
--

Advance one frame.

xyxy: (N, 4) boxes (x1, y1, x2, y2); scores: (N,); class_ids: optional (N,) integers.
N may be 0. Invalid input raises ValueError/TypeError and leaves the tracker unchanged.
Returns a Tracks object with the confirmed tracks of this frame.
)doc";

PyObject* byte_tracker_update(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    static const char* const names[3] = {"xyxy", "scores", "class_ids"};
    PyObject* values[3];
    if (!fastcall_args("update", names, 3, 2, args, nargs, kwnames, values)) return nullptr;
    return guarded([&] {
        BYTETracker& tracker = instance_of<BYTETracker>(self);
        UpdateInput in(values[0], values[1], values[2]);
        return make_tracks(tracker.update(in.view.xyxy, in.view.scores, in.view.class_ids, in.view.n));
    });
}

PyMethodDef kByteTrackerUpdateDef = {
    "update", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&byte_tracker_update)),
    METH_FASTCALL | METH_KEYWORDS, kByteTrackerUpdateDoc};


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

pickle / copy.deepcopy / copy.copy give an independent tracker that continues
bit-identically (versioned state, see STATE_FORMAT_VERSION). A shared id counter is
not shared by the copy: it gets its own, with the same start, at the saved position.
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
        .def(state_pickle<BYTETracker>([](const std::string& blob) { return load_state(blob); }))
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
    add_fastcall_method(m.attr("BYTETracker"), &kByteTrackerUpdateDef);
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

[[noreturn]] void unexpected_engine_param(const std::string& key, const char* engine, const char* expected) {
    throw py::type_error("MultiStreamTracker() got an unexpected keyword argument '" + key + "' for engine '" +
                         engine + "' (expected " + expected + ")");
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
            unexpected_engine_param(key, "bytetrack",
                                    "track_thresh, track_buffer, match_thresh, frame_rate, mot20, preset");
        }
    }
    return std::make_shared<ByteTrackEngineFactory>(c);  // validates the values
}

void check_range(double v, const char* name, double lo, double hi) {
    if (!(v >= lo && v <= hi))
        throw py::value_error(std::string(name) + " must be in [" + py::repr(py::float_(lo)).cast<std::string>() +
                              ", " + py::repr(py::float_(hi)).cast<std::string>() + "], got " +
                              py::repr(py::float_(v)).cast<std::string>());
}

// Engine "supervision": the keyword arguments of bytetrack_cpp.ByteTrack
// (sv.ByteTrack), with its defaults and checks.
std::shared_ptr<const EngineFactory> supervision_engine(const py::dict& params) {
    SupervisionConfig c;
    for (auto item : params) {
        const std::string key = py::str(item.first);
        py::handle v = item.second;
        if (key == "track_activation_threshold") {
            c.track_activation_threshold = real_param(v, "track_activation_threshold");
        } else if (key == "lost_track_buffer") {
            c.lost_track_buffer = static_cast<int>(int_param(v, "lost_track_buffer", 0, INT32_MAX));
        } else if (key == "minimum_matching_threshold") {
            c.minimum_matching_threshold = real_param(v, "minimum_matching_threshold");
        } else if (key == "frame_rate") {
            c.frame_rate = real_param(v, "frame_rate");
        } else if (key == "minimum_consecutive_frames") {
            c.minimum_consecutive_frames = static_cast<int>(int_param(v, "minimum_consecutive_frames", 0, INT32_MAX));
        } else if (key == "version") {
            if (!py::isinstance<py::str>(v)) throw py::type_error("version must be a str");
            c.version = parse_supervision_version(v.cast<std::string>());
        } else {
            unexpected_engine_param(key, "supervision",
                                    "track_activation_threshold, lost_track_buffer, minimum_matching_threshold, "
                                    "frame_rate, minimum_consecutive_frames, version");
        }
    }
    check_range(c.track_activation_threshold, "track_activation_threshold", 0.0, 1.0);
    check_range(c.minimum_matching_threshold, "minimum_matching_threshold", 0.0, 1.0);
    if (!(c.frame_rate > 0.0 && c.frame_rate <= 1e6))
        throw py::value_error("frame_rate must be in (0, 1e6], got " + py::repr(py::float_(c.frame_rate)).cast<std::string>());
    if (c.frame_rate / 30.0 * c.lost_track_buffer > 1e9)
        throw py::value_error("frame_rate * lost_track_buffer is too large");
    return std::make_shared<SupervisionEngineFactory>(c);
}

// Engine "trackers": the keyword arguments of bytetrack_cpp.ByteTrackTracker
// (roboflow trackers), with its defaults; fixed frame rate (no timestamps).
std::shared_ptr<const EngineFactory> trackers_engine(const py::dict& params) {
    TrackersConfig c;
    for (auto item : params) {
        const std::string key = py::str(item.first);
        py::handle v = item.second;
        if (key == "lost_track_buffer") {
            c.lost_track_buffer = static_cast<int>(int_param(v, "lost_track_buffer", 0, INT32_MAX));
        } else if (key == "frame_rate") {
            c.frame_rate = real_param(v, "frame_rate");
        } else if (key == "track_activation_threshold") {
            c.track_activation_threshold = real_param(v, "track_activation_threshold");
        } else if (key == "minimum_consecutive_frames") {
            c.minimum_consecutive_frames =
                static_cast<int>(int_param(v, "minimum_consecutive_frames", INT32_MIN, INT32_MAX));
        } else if (key == "minimum_iou_threshold") {
            c.minimum_iou_threshold = real_param(v, "minimum_iou_threshold");
        } else if (key == "high_conf_det_threshold") {
            c.high_conf_det_threshold = real_param(v, "high_conf_det_threshold");
        } else if (key == "version") {
            if (!py::isinstance<py::str>(v)) throw py::type_error("version must be a str");
            c.version = parse_trackers_version(v.cast<std::string>());
        } else {
            unexpected_engine_param(key, "trackers",
                                    "lost_track_buffer, frame_rate, track_activation_threshold, "
                                    "minimum_consecutive_frames, minimum_iou_threshold, high_conf_det_threshold, "
                                    "version");
        }
    }
    return std::make_shared<TrackersEngineFactory>(c);  // validates the values
}

// Engines by name. Each takes the keyword arguments of its single-stream tracker.
std::shared_ptr<const EngineFactory> make_engine(const std::string& name, const py::dict& params) {
    if (name == "bytetrack") return bytetrack_engine(params);
    if (name == "supervision") return supervision_engine(params);
    if (name == "trackers") return trackers_engine(params);
    throw py::value_error("engine: unknown engine '" + name + "' (available: 'bytetrack', 'supervision', 'trackers')");
}

// The Python object: the C++ context plus result buffers, one set per call in
// flight so that concurrent calls never share one, reused across calls.
class PyMultiStreamTracker {
public:
    struct Buffers {
        std::vector<TrackOutput> single;
        BatchResult batch;
        std::vector<StreamFrame> frames;
        std::vector<DetectionsIn> inputs;   // entries the fast path could not take
        std::vector<py::object> keys;       // batch keys, in batch order
        std::vector<py::object> arrays;     // the entries' arrays, alive until the call ends
        std::vector<std::vector<double>> widened;  // per entry: float32 / strided input as float64
        std::vector<std::pair<py::object, py::object>> items;  // the batch's (key, value) pairs
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
            buffers_->arrays.clear();
            buffers_->items.clear();
            std::lock_guard<std::mutex> lock(owner_.buffers_mutex_);
            try {
                owner_.free_buffers_.push_back(std::move(buffers_));
            } catch (...) {  // could not keep it: it is simply freed
            }
        }
        Buffers* operator->() { return buffers_.get(); }
        Buffers& operator*() { return *buffers_; }

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

    // A restored context (state restore); `params` as the saved object had them.
    PyMultiStreamTracker(std::unique_ptr<MultiStreamTracker> ctx, py::dict params)
        : ctx_(std::move(ctx)), engine_params_(std::move(params)), engine_name_(ctx_->engine().name()) {}

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

// MultiStreamTracker.update and update_batch (fastcall methods, see above).
const char* const kMultiStreamUpdateDoc = R"doc(update($self, /, stream_id, xyxy, scores, class_ids=None)
--

Advance one stream by one frame (the stream is created on its first frame).

Same arguments and result (Tracks) as BYTETracker.update. Invalid input raises
ValueError/TypeError and changes nothing.
)doc";

PyObject* multi_stream_update(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    static const char* const names[4] = {"stream_id", "xyxy", "scores", "class_ids"};
    PyObject* values[4];
    if (!fastcall_args("update", names, 4, 3, args, nargs, kwnames, values)) return nullptr;
    return guarded([&] {
        PyMultiStreamTracker& owner = instance_of<PyMultiStreamTracker>(self);
        const StreamId id = stream_id_arg(values[0], "stream_id");
        UpdateInput in(values[1], values[2], values[3]);
        const StreamFrame frame{id, in.view.xyxy, in.view.scores, in.view.class_ids, in.view.n, in.view.dtypes};
        PyMultiStreamTracker::Lease buffers(owner);
        {
            py::gil_scoped_release release;
            owner.ctx().update(frame, buffers->single);
        }
        return make_tracks(buffers->single);
    });
}

const char* const kMultiStreamUpdateBatchDoc = R"doc(update_batch($self, /, batch)
--

Advance several streams by one frame each, in one call.

batch maps stream ids to (xyxy, scores) or (xyxy, scores, class_ids) tuples.
Returns {stream_id: Tracks} in the batch's order. Streams are updated on the
context's threads; new ids are numbered afterwards in batch order, so the result
is the same for any thread count. If any entry is invalid, ValueError/TypeError
is raised and no stream is created or changed.
)doc";

// Reads one batch entry into `buffers` (frames, keys, arrays; `inputs` for entries
// the zero-copy path cannot take). Errors name the entry.
void add_batch_entry(PyMultiStreamTracker::Buffers& buffers, py::handle key, py::handle value) {
    const StreamId id = stream_id_arg(key, "batch key");
    const std::size_t k = buffers.frames.size();
    buffers.keys.push_back(py::reinterpret_borrow<py::object>(key));
    const bool is_tuple = PyTuple_Check(value.ptr());
    const Py_ssize_t len = is_tuple ? PyTuple_GET_SIZE(value.ptr()) : PyList_Check(value.ptr()) ? PyList_GET_SIZE(value.ptr()) : -1;
    if (len == 2 || len == 3) {
        // Own the arrays: a list entry could be changed while the GIL is released.
        py::handle items[3] = {Py_None, Py_None, Py_None};
        for (Py_ssize_t i = 0; i < len; ++i) {
            items[i] = is_tuple ? PyTuple_GET_ITEM(value.ptr(), i) : PyList_GET_ITEM(value.ptr(), i);
            buffers.arrays.push_back(py::reinterpret_borrow<py::object>(items[i]));
        }
        if (buffers.widened.size() <= k) buffers.widened.resize(k + 1);
        FastDetections fast;
        if (fast_detections(items[0], items[1], items[2], nullptr, 0, buffers.widened[k], fast)) {
            buffers.frames.push_back(StreamFrame{id, fast.xyxy, fast.scores, fast.class_ids, fast.n, fast.dtypes});
            return;
        }
    }
    buffers.inputs.push_back(convert_batch_entry(key, value));
    const DetectionsIn& in = buffers.inputs.back();
    buffers.frames.push_back(StreamFrame{id, in.xyxy.data(), in.scores.data(), in.class_ptr(), in.n, in.dtypes});
}

// Inputs of a batch are usually cold in cache (a frame's arrays from many
// cameras), and reading them one entry after the other is a chain of cache
// misses on the calling thread, which holds the GIL and is the batch's serial
// part. So all entries' arrays are prefetched first, in passes whose loads do
// not depend on each other and overlap: stage 0 the array objects, stage 1
// (their headers are arriving by then) the blocks holding shapes and strides,
// stage 2 the first lines of the data, which validation reads next.
void prefetch_batch_entry(const std::vector<std::pair<py::object, py::object>>& items, std::size_t k, int stage) {
    if (k >= items.size()) return;
    PyObject* value = items[k].second.ptr();
    if (!PyTuple_CheckExact(value)) return;
    const Py_ssize_t len = PyTuple_GET_SIZE(value);
    PyTypeObject* array_type = reinterpret_cast<PyTypeObject*>(py::detail::npy_api::get().PyArray_Type_);
    for (Py_ssize_t i = 0; i < len && i < 3; ++i) {
        PyObject* item = PyTuple_GET_ITEM(value, i);
        if (stage == 0) {
            __builtin_prefetch(item);
        } else if (Py_TYPE(item) == array_type) {
            const auto* a = py::detail::array_proxy(item);
            if (stage == 1) {
                __builtin_prefetch(a->dimensions);
            } else if (a->nd >= 1) {
                // The data itself, up to 4 lines (a small frame's boxes).
                const char* data = a->data;
                const Py_ssize_t bytes = a->dimensions[0] * (a->nd == 2 ? a->dimensions[1] : 1) * 8;
                for (Py_ssize_t off = 0; off < bytes && off < 256; off += 64) __builtin_prefetch(data + off);
            }
        }
    }
}

PyObject* multi_stream_update_batch(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    static const char* const names[1] = {"batch"};
    PyObject* values[1];
    if (!fastcall_args("update_batch", names, 1, 1, args, nargs, kwnames, values)) return nullptr;
    return guarded([&]() -> py::object {
        PyMultiStreamTracker& owner = instance_of<PyMultiStreamTracker>(self);
        py::handle batch = values[0];
        if (!PyDict_Check(batch.ptr()) && !py::hasattr(batch, "items"))
            throw py::type_error("batch must be a mapping {stream_id: (xyxy, scores[, class_ids])}");
        PyMultiStreamTracker::Lease buffers(owner);
        buffers->frames.clear();
        if (PyDict_Check(batch.ptr())) {
            // Own references first: a conversion may run Python code that changes the dict.
            auto& items = buffers->items;
            PyObject *key, *value;
            Py_ssize_t pos = 0;
            while (PyDict_Next(batch.ptr(), &pos, &key, &value))
                items.emplace_back(py::reinterpret_borrow<py::object>(key), py::reinterpret_borrow<py::object>(value));
            for (std::size_t k = 0; k < items.size(); ++k) prefetch_batch_entry(items, k, 0);
            for (std::size_t k = 0; k < items.size(); ++k) prefetch_batch_entry(items, k, 1);
            for (std::size_t k = 0; k < items.size(); ++k) prefetch_batch_entry(items, k, 2);
            for (auto& item : items) add_batch_entry(*buffers, item.first, item.second);
        } else {
            for (py::handle item : batch.attr("items")()) {
                py::tuple kv = py::reinterpret_borrow<py::tuple>(item);
                add_batch_entry(*buffers, kv[0], kv[1]);
            }
        }
        auto& frames = buffers->frames;
        MultiStreamTracker& ctx = owner.ctx();
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
                // One GIL release for a run of frames this thread can finish itself.
                py::gil_scoped_release release;
                ctx.finish_frame(k, out);
                ctx.finish_while_ready(out);
            }
            py::object tracks = make_tracks(out.tracks(k), out.num_tracks(k));
            if (PyDict_SetItem(result.ptr(), buffers->keys[k].ptr(), tracks.ptr()) != 0) throw py::error_already_set();
        }
        open.end();
        return result;
    });
}

PyMethodDef kMultiStreamUpdateDef = {
    "update", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&multi_stream_update)),
    METH_FASTCALL | METH_KEYWORDS, kMultiStreamUpdateDoc};
PyMethodDef kMultiStreamUpdateBatchDef = {
    "update_batch", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&multi_stream_update_batch)),
    METH_FASTCALL | METH_KEYWORDS, kMultiStreamUpdateBatchDoc};

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
    Per-stream tracker: "bytetrack" (BYTETracker with its presets),
    "supervision" (sv.ByteTrack, as bytetrack_cpp.ByteTrack) or "trackers"
    (roboflow trackers' ByteTrackTracker, as bytetrack_cpp.ByteTrackTracker, fixed
    frame rate).
id_counter : IdCounter, optional
    Id source to share with other trackers; by default the context has its own,
    starting at 1. The "supervision" and "trackers" engines report -1 for rows
    without an id, so they refuse a counter that could hand out negative ids.
**engine_params
    Keyword arguments of the engine's tracker: track_thresh, track_buffer,
    match_thresh, frame_rate, mot20, preset for "bytetrack";
    track_activation_threshold, lost_track_buffer, minimum_matching_threshold,
    frame_rate, minimum_consecutive_frames, version for "supervision";
    lost_track_buffer, frame_rate, track_activation_threshold,
    minimum_consecutive_frames, minimum_iou_threshold, high_conf_det_threshold,
    version for "trackers".

Results of "supervision" and "trackers" are input rows, as their references
return them: det_index is the row, xyxy/score/class_id are the row's values and
track_id its tracker id ("supervision": the rows that got a track, in input
order; "trackers": the reference's rows and order, -1 = not confirmed yet).
float32 input is tracked in float32 arithmetic, as those references do.

Ids: within a stream, ids increase in the order its tracker gives them, so each
stream's output equals an isolated tracker's (BYTETracker, ByteTrack or
ByteTrackTracker) up to an order-preserving renaming of ids. update_batch() numbers new tracks stream by stream in batch
order, whichever thread updated them: the result is the same for any thread
count and equals calling update() on each entry in that order (when no other
thread takes ids meanwhile).

pickle / copy.deepcopy / copy.copy give an independent context that continues
exactly (same streams, evictions, ids, boxes to the last bit): the state holds
the engine and its parameters, threads, max_idle_frames, the update count, every
stream's tracker and idle clock, and the id counter's start and position
(versioned, see STATE_FORMAT_VERSION). A shared id_counter is not shared by the
copy: the restored context gets its own counter with the same start, continuing
at the saved position (the original counter is not touched, and reset() on the
copy restarts its own counter). A state taken while other threads update the
context is consistent per stream; for an exact continuation save between calls.
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
        .def(py::pickle(
                 [](Self& self) {
                     std::string blob;
                     {
                         py::gil_scoped_release release;  // waits for calls in flight on other threads
                         blob = save_state(self.ctx());
                     }
                     return py::make_tuple(py::bytes(blob), py::dict(self.engine_params()));
                 },
                 [](py::object state) {
                     if (!py::isinstance<py::tuple>(state) || py::len(state) != 2 ||
                         !py::isinstance<py::dict>(py::reinterpret_borrow<py::tuple>(state)[1]))
                         throw py::type_error("state must be a tuple (bytes, dict) as produced by __getstate__");
                     py::tuple parts = py::reinterpret_borrow<py::tuple>(state);
                     const std::string blob = state_bytes(parts[0]);
                     py::dict params = py::reinterpret_borrow<py::dict>(parts[1]);
                     std::unique_ptr<MultiStreamTracker> ctx = load_multi_stream_state(blob);
                     // engine_params must describe the engine the blob holds.
                     const auto factory = make_engine(ctx->engine().name(), params);
                     const auto save_config = [](StateWriter& w, const EngineFactory& f) { f.save_config(w); };
                     if (!same_encoding<EngineFactory>(*factory, ctx->engine(), save_config))
                         throw py::value_error("state: engine parameters do not match the saved engine configuration");
                     return std::make_unique<Self>(std::move(ctx), py::dict(params));
                 }),
             "State as (bytes, engine_params); see the class docstring.")
        .def("__reduce_ex__", &reduce_by_state)
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
    add_fastcall_method(m.attr("MultiStreamTracker"), &kMultiStreamUpdateDef);
    add_fastcall_method(m.attr("MultiStreamTracker"), &kMultiStreamUpdateBatchDef);
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

// ---------------------------------------------------------------- supervision sv.ByteTrack

// Engine of bytetrack_cpp.ByteTrack (bytetrack_cpp/supervision_compat.py builds
// the supervision Detections around it).
void bind_supervision_byte_track(py::module_& m) {
    py::class_<SupervisionByteTrack>(m, "_SupervisionByteTrack", R"doc(
Native engine behind bytetrack_cpp.ByteTrack (use that class).

update(xyxy, confidence, float32_input) -> (num_tracks, tracker_id): tracker_id is an
int64 array with one entry per input row, -1 for rows supervision would not return;
num_tracks == 0 means supervision returns Detections.empty().
)doc")
        .def(py::init([](double tat, int buffer, double mmt, double frame_rate, int min_frames,
                         const std::string& version) {
                 SupervisionConfig c;
                 c.track_activation_threshold = tat;
                 c.lost_track_buffer = buffer;
                 c.minimum_matching_threshold = mmt;
                 c.frame_rate = frame_rate;
                 c.minimum_consecutive_frames = min_frames;
                 c.version = parse_supervision_version(version);
                 return std::make_unique<SupervisionByteTrack>(c);
             }),
             py::arg("track_activation_threshold"), py::arg("lost_track_buffer"),
             py::arg("minimum_matching_threshold"), py::arg("frame_rate"), py::arg("minimum_consecutive_frames"),
             py::arg("version"))
        .def(
            "update",
            [](SupervisionByteTrack& self, py::handle xyxy_obj, py::handle conf_obj, bool float32_input) {
                py::array xyxy_raw = numeric_array(xyxy_obj, "detections.xyxy");
                py::array conf_raw = numeric_array(conf_obj, "detections.confidence");
                if (xyxy_raw.ndim() != 2 || xyxy_raw.shape(1) != 4)
                    throw py::value_error("detections.xyxy must have shape (N, 4)");
                const std::size_t n = static_cast<std::size_t>(xyxy_raw.shape(0));
                if (n > static_cast<std::size_t>(INT32_MAX / 2))
                    throw py::value_error("detections: too many rows");
                if (conf_raw.ndim() != 1 || static_cast<std::size_t>(conf_raw.shape(0)) != n)
                    throw py::value_error("detections.confidence must have shape (N,) matching detections.xyxy");
                DoubleArray xyxy = DoubleArray::ensure(xyxy_raw);
                DoubleArray conf = DoubleArray::ensure(conf_raw);
                py::array_t<std::int64_t> ids(static_cast<py::ssize_t>(n));
                const std::size_t tracks =
                    self.update(xyxy.data(), conf.data(), n, float32_input, ids.mutable_data());
                return py::make_tuple(tracks, ids);
            },
            py::arg("xyxy"), py::arg("confidence"), py::arg("float32_input"))
        .def("reset", &SupervisionByteTrack::reset)
        .def(state_pickle<SupervisionByteTrack>(&load_supervision_state))
        .def("__reduce_ex__", &reduce_by_state)
        .def_property_readonly("frame_id", [](const SupervisionByteTrack& t) { return t.tracker().frame_id(); })
        .def_property_readonly("max_time_lost",
                               [](const SupervisionByteTrack& t) { return t.tracker().semantics().max_time_lost; })
        .def_property_readonly("det_thresh",
                               [](const SupervisionByteTrack& t) { return t.tracker().semantics().det_thresh; });

    m.def(
        "_cpython_set_difference_order",
        [](int n, const std::vector<int>& removed) {
            if (n < 0) throw py::value_error("n must be >= 0");
            std::vector<unsigned char> gone(static_cast<std::size_t>(n), 0);
            std::size_t n_removed = 0;
            for (int v : removed) {
                if (v < 0 || v >= n) throw py::value_error("removed values must lie in range(n)");
                if (!gone[v]) ++n_removed;
                gone[v] = 1;
            }
            std::vector<int> values;
            for (int v = 0; v < n; ++v) {
                if (!gone[v]) values.push_back(v);
            }
            std::vector<std::int64_t> table;
            cpython_set_difference_order(static_cast<std::size_t>(n), n_removed, values, table);
            return values;
        },
        py::arg("n"), py::arg("removed"),
        "Order of tuple(set(range(n)) - set(removed)) in CPython 3.11/3.12 (test hook).");
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "bytetrack_cpp native core";
    bind_tracks(m);
    bind_lapjv(m);
    bind_association(m);
    bind_linear_sum_assignment(m);
    bind_trackers_byte_tracker(m);
    bind_id_counter(m);
    bind_byte_tracker(m);
    bind_multi_stream_tracker(m);
    bind_scene_generator(m);
    bind_state(m);
    bind_supervision_byte_track(m);
    guard_pickling(m);
}
