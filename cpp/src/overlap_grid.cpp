#include "bytetrack/overlap_grid.hpp"

#include <algorithm>
#include <cmath>

namespace bytetrack {

bool OverlapGrid::all_finite(const Box* boxes, int n) {
    // v - v is 0 for finite v and NaN for inf/NaN; one comparison per box.
    for (int i = 0; i < n; ++i) {
        const Box& b = boxes[i];
        const double z = ((b.x1 - b.x1) + (b.y1 - b.y1)) + ((b.x2 - b.x2) + (b.y2 - b.y2));
        if (!(z == 0.0)) return false;
    }
    return true;
}

void OverlapGrid::next_stamp() {
    if (++stamp_ == 0) {  // wrapped: forget old stamps
        std::fill(seen_.begin(), seen_.end(), 0u);
        stamp_ = 1;
    }
}

void OverlapGrid::build(const Box* boxes, int n) {
    n_ = n;
    widened_.resize(static_cast<std::size_t>(std::max(n, 0)));
    if (seen_.size() < widened_.size()) seen_.resize(widened_.size(), 0u);
    // A query finds each box at most once, but after the last new one it
    // still writes (without counting) one slot past the hits so far.
    hits_.resize(widened_.size() + 1);
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
    ranges_.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        CellRange& c = ranges_[i];
        // Stored boxes lie inside the grid's extent, so the range is never empty.
        cell_range(widened_[i], c.x0, c.x1, c.y0, c.y1);
        for (int cy = c.y0; cy <= c.y1; ++cy)
            for (int cx = c.x0; cx <= c.x1; ++cx) ++start_[cy * gx_ + cx + 1];
    }
    for (int c = 0; c < cells; ++c) start_[c + 1] += start_[c];
    items_.resize(static_cast<std::size_t>(start_[cells]));
    cell_lo_.assign(start_.begin(), start_.end() - 1);
    for (int i = 0; i < n; ++i) {
        const CellRange& c = ranges_[i];
        for (int cy = c.y0; cy <= c.y1; ++cy)
            for (int cx = c.x0; cx <= c.x1; ++cx) items_[cell_lo_[cy * gx_ + cx]++] = i;
    }
}

}  // namespace bytetrack
