// IoU exactly as supervision's box_iou_batch computes it (0.27 and 0.30
// numerics), for the sv.ByteTrack presets.
#pragma once

#include <cmath>
#include <limits>

#include "bytetrack/box.hpp"

namespace bytetrack {

// NumPy's maximum/minimum: NaN wins (std::max would drop it).
inline double np_maximum(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    return a > b ? a : b;
}
inline double np_minimum(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    return a < b ? a : b;
}

// supervision >= 0.30 box_iou_batch: no +1, everything in float64, the ratio
// stored as float32; 0 where the union is not > 0 (also for NaN boxes). The
// caller rounds the corners first where supervision does. `area_*` are the
// boxes' (x2 - x1) * (y2 - y1), precomputed by the caller once per box.
inline double area_supervision030(const Box& r) { return (r.x2 - r.x1) * (r.y2 - r.y1); }

inline float iou_supervision030(const Box& a, double area_a, const Box& b, double area_b) {
    const double iw = np_minimum(a.x2, b.x2) - np_maximum(a.x1, b.x1);
    const double ih = np_minimum(a.y2, b.y2) - np_maximum(a.y1, b.y1);
    // No overlap: the ratio is 0 whatever the union (the common case, skip the division).
    if (iw <= 0.0 || ih <= 0.0) return 0.0f;  // NaN (kept by np.clip) goes on
    const double inter = iw * ih;
    const double norm = area_a + area_b - inter;
    return norm > 0.0 ? static_cast<float>(inter / norm) : 0.0f;
}

inline float iou_supervision030(const Box& a, const Box& b) {
    return iou_supervision030(a, area_supervision030(a), b, area_supervision030(b));
}

// supervision 0.27 box_iou_batch: the intersection box, its sides and area are
// float32; each side's areas are computed in that side's array dtype (`f32`:
// the whole array was float32); the union and the ratio are float32 if both
// arrays are, float64 otherwise; the ratio is stored as float32.
inline double area_supervision027(const Box& r, bool f32) {
    if (f32) {
        const float w = static_cast<float>(r.x2) - static_cast<float>(r.x1);
        const float h = static_cast<float>(r.y2) - static_cast<float>(r.y1);
        return static_cast<double>(w * h);
    }
    return (r.x2 - r.x1) * (r.y2 - r.y1);
}

inline float iou_supervision027(const Box& a, double area_a, bool a_f32, const Box& b, double area_b, bool b_f32) {
    const float ix1 = static_cast<float>(np_maximum(a.x1, b.x1));
    const float iy1 = static_cast<float>(np_maximum(a.y1, b.y1));
    const float ix2 = static_cast<float>(np_minimum(a.x2, b.x2));
    const float iy2 = static_cast<float>(np_minimum(a.y2, b.y2));
    const float iw = ix2 - ix1, ih = iy2 - iy1;
    if (iw <= 0.0f || ih <= 0.0f) return 0.0f;  // no overlap: the ratio is 0
    const float inter = iw * ih;
    if (a_f32 && b_f32) {
        const float norm = (static_cast<float>(area_a) + static_cast<float>(area_b)) - inter;
        return norm > 0.0f ? inter / norm : 0.0f;
    }
    const double norm = (area_a + area_b) - static_cast<double>(inter);
    return norm > 0.0 ? static_cast<float>(static_cast<double>(inter) / norm) : 0.0f;
}

inline float iou_supervision027(const Box& a, bool a_f32, const Box& b, bool b_f32) {
    return iou_supervision027(a, area_supervision027(a, a_f32), a_f32, b, area_supervision027(b, b_f32), b_f32);
}

}  // namespace bytetrack
