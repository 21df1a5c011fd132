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

}  // namespace bytetrack
