#include "bytetrack/overlap_grid.hpp"

#include <algorithm>
#include <cmath>

namespace bytetrack {

bool OverlapGrid::all_finite(const Box* boxes, int n) {
    for (int i = 0; i < n; ++i) {
        const Box& b = boxes[i];
        if (!std::isfinite(b.x1) || !std::isfinite(b.y1) || !std::isfinite(b.x2) || !std::isfinite(b.y2))
            return false;
    }
    return true;
}

void OverlapGrid::next_stamp() {
    if (++stamp_ == 0) {  // wrapped: forget old stamps
        std::fill(seen_.begin(), seen_.end(), 0u);
        stamp_ = 1;
    }
}

namespace {
// Cell of coordinate t (already scaled to cell units): truncation is floor for
// t >= 0; out-of-grid values clamp (the callers reject boxes wholly outside).
inline int cell_of(double t, int cells) {
    if (!(t >= 0.0)) return 0;
    if (t >= cells) return cells - 1;
    return static_cast<int>(t);
}
}  // namespace

bool OverlapGrid::cell_range(const Widened& w, int& cx0, int& cx1, int& cy0, int& cy1) const {
    const double tx0 = (w.x1 - ox_) * inv_cw_, tx1 = (w.x2 - ox_) * inv_cw_;
    const double ty0 = (w.y1 - oy_) * inv_ch_, ty1 = (w.y2 - oy_) * inv_ch_;
    if (!(tx1 >= 0.0) || !(ty1 >= 0.0) || !(tx0 < gx_) || !(ty0 < gy_)) return false;
    cx0 = cell_of(tx0, gx_);
    cx1 = cell_of(tx1, gx_);
    cy0 = cell_of(ty0, gy_);
    cy1 = cell_of(ty1, gy_);
    return true;
}

void OverlapGrid::build(const Box* boxes, int n) {
    n_ = n;
    widened_.resize(static_cast<std::size_t>(std::max(n, 0)));
    if (seen_.size() < widened_.size()) seen_.resize(widened_.size(), 0u);
    if (n <= 0) return;
    double x0 = 0.0, y0 = 0.0, x1 = 0.0, y1 = 0.0, sum_w = 0.0, sum_h = 0.0;
    for (int i = 0; i < n; ++i) {
        const Widened w = widen(boxes[i]);
        widened_[i] = w;
        if (i == 0 || w.x1 < x0) x0 = w.x1;
        if (i == 0 || w.y1 < y0) y0 = w.y1;
        if (i == 0 || w.x2 > x1) x1 = w.x2;
        if (i == 0 || w.y2 > y1) y1 = w.y2;
        sum_w += w.x2 - w.x1;
        sum_h += w.y2 - w.y1;
    }
    // Cells about the size of an average box, at most ~2 cells per box.
    const double ext_w = x1 - x0, ext_h = y1 - y0;
    double gx = std::max(1.0, std::ceil(ext_w / (sum_w / n)));
    double gy = std::max(1.0, std::ceil(ext_h / (sum_h / n)));
    const double cap = 2.0 * n + 16.0;
    if (gx * gy > cap) {
        const double shrink = std::sqrt(cap / (gx * gy));
        gx = std::max(1.0, std::floor(gx * shrink));
        gy = std::max(1.0, std::floor(gy * shrink));
    }
    gx_ = static_cast<int>(gx);
    gy_ = static_cast<int>(gy);
    ox_ = x0;
    oy_ = y0;
    // The last cell absorbs the far edge (cell_range clamps).
    inv_cw_ = ext_w > 0.0 ? gx / ext_w : 0.0;
    inv_ch_ = ext_h > 0.0 ? gy / ext_h : 0.0;
    const int cells = gx_ * gy_;
    start_.assign(static_cast<std::size_t>(cells) + 1, 0);
    for (int i = 0; i < n; ++i) {
        int cx0, cx1, cy0, cy1;
        if (!cell_range(widened_[i], cx0, cx1, cy0, cy1)) continue;
        for (int cy = cy0; cy <= cy1; ++cy)
            for (int cx = cx0; cx <= cx1; ++cx) ++start_[cy * gx_ + cx + 1];
    }
    for (int c = 0; c < cells; ++c) start_[c + 1] += start_[c];
    items_.resize(static_cast<std::size_t>(start_[cells]));
    cell_lo_.assign(start_.begin(), start_.end() - 1);
    for (int i = 0; i < n; ++i) {
        int cx0, cx1, cy0, cy1;
        if (!cell_range(widened_[i], cx0, cx1, cy0, cy1)) continue;
        for (int cy = cy0; cy <= cy1; ++cy)
            for (int cx = cx0; cx <= cx1; ++cx) items_[cell_lo_[cy * gx_ + cx]++] = i;
    }
}

}  // namespace bytetrack
