// Axis-aligned boxes and the IoU conventions the reference trackers use.
#pragma once

#include <algorithm>

namespace bytetrack {

// Corner form (x1, y1, x2, y2) in pixels; the references call this "tlbr".
struct Box {
    double x1 = 0.0, y1 = 0.0, x2 = 0.0, y2 = 0.0;
};

// IoU with the "+1 pixel" convention of cython_bbox.bbox_overlaps, which both
// ifzhang trackers use. Operation order follows the reference so that exact ties
// (identical boxes, duplicate detections) resolve the same way.
inline double iou_plus_one(const Box& a, const Box& b) {
    const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1) + 1.0;
    if (!(iw > 0.0)) return 0.0;
    const double ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1) + 1.0;
    if (!(ih > 0.0)) return 0.0;
    const double area_a = (a.x2 - a.x1 + 1.0) * (a.y2 - a.y1 + 1.0);
    const double area_b = (b.x2 - b.x1 + 1.0) * (b.y2 - b.y1 + 1.0);
    const double union_area = area_a + area_b - iw * ih;
    return iw * ih / union_area;
}

// IoU without the +1 convention, as supervision >= 0.30 box_iou_batch computes it
// (also the `IoU` of roboflow trackers >= 2.6): every step in double, the ratio
// rounded to float32, 0 where the union is not positive.
inline float iou_sv(const Box& a, const Box& b) {
    const double iw = std::max(std::min(a.x2, b.x2) - std::max(a.x1, b.x1), 0.0);
    const double ih = std::max(std::min(a.y2, b.y2) - std::max(a.y1, b.y1), 0.0);
    const double inter = iw * ih;
    const double area_a = (a.x2 - a.x1) * (a.y2 - a.y1);
    const double area_b = (b.x2 - b.x1) * (b.y2 - b.y1);
    const double union_area = area_a + area_b - inter;
    return union_area > 0.0 ? static_cast<float>(inter / union_area) : 0.0f;
}

// The same IoU as supervision 0.27-0.29 box_iou_batch computes it for a float64
// `a` (e.g. a track's predicted box) against `b`: the intersection corners, width,
// height and area live in float32 arrays, area_a is double, area_b is computed in
// b's dtype (float32 when b_is_float32), the union and ratio in double, the result
// is float32. The extra roundings decide ties, so they are reproduced.
inline float iou_sv027(const Box& a, const Box& b, bool b_is_float32) {
    const float x_lo = static_cast<float>(std::max(a.x1, b.x1));
    const float x_hi = static_cast<float>(std::min(a.x2, b.x2));
    const float y_lo = static_cast<float>(std::max(a.y1, b.y1));
    const float y_hi = static_cast<float>(std::min(a.y2, b.y2));
    const float iw = std::max(x_hi - x_lo, 0.0f);
    const float ih = std::max(y_hi - y_lo, 0.0f);
    const float inter = iw * ih;
    const double area_a = (a.x2 - a.x1) * (a.y2 - a.y1);
    double area_b;
    if (b_is_float32) {
        area_b = static_cast<double>((static_cast<float>(b.x2) - static_cast<float>(b.x1)) *
                                     (static_cast<float>(b.y2) - static_cast<float>(b.y1)));
    } else {
        area_b = (b.x2 - b.x1) * (b.y2 - b.y1);
    }
    const double union_area = area_a + area_b - static_cast<double>(inter);
    return union_area > 0.0 ? static_cast<float>(static_cast<double>(inter) / union_area) : 0.0f;
}

}  // namespace bytetrack
