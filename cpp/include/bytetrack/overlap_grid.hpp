// A uniform grid over boxes that finds, for a query box, every stored box that
// may overlap it: the candidate pairs of the sparse association and of the
// duplicate-track removal.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "bytetrack/box.hpp"

namespace bytetrack {

class OverlapGrid {
public:
    // Indexes `boxes[0..n)`. Candidates are a superset of the pairs whose
    // iou_plus_one is > 0: boxes are widened by more than the 1-pixel
    // convention before they are binned. Non-finite boxes must not be passed
    // (callers check; see all_finite()).
    void build(const Box* boxes, int n);

    // Calls f(i) once for every stored box i whose widened extent meets the
    // widened `query`. Visit order is unspecified (callers must not depend on it).
    template <class F>
    void for_each_candidate(const Box& query, F&& f) {
        if (n_ == 0) return;
        int cx0, cx1, cy0, cy1;
        const Widened q = widen(query);
        if (!cell_range(q, cx0, cx1, cy0, cy1)) return;
        next_stamp();
        for (int cy = cy0; cy <= cy1; ++cy) {
            for (int cx = cx0; cx <= cx1; ++cx) {
                const int cell = cy * gx_ + cx;
                for (int k = start_[cell], e = start_[cell + 1]; k < e; ++k) {
                    const int i = items_[k];
                    if (seen_[i] == stamp_) continue;
                    seen_[i] = stamp_;
                    const Widened& b = widened_[i];
                    if (b.x1 <= q.x2 && q.x1 <= b.x2 && b.y1 <= q.y2 && q.y1 <= b.y2) f(i);
                }
            }
        }
    }

    static bool all_finite(const Box* boxes, int n);
    std::size_t heap_bytes() const {
        return widened_.capacity() * sizeof(Widened) + ranges_.capacity() * sizeof(CellRange) +
               (start_.capacity() + items_.capacity() + cell_lo_.capacity()) * sizeof(int) +
               seen_.capacity() * sizeof(std::uint32_t);
    }

    struct Widened {
        double x1, y1, x2, y2;
    };
    // Two boxes overlap under the +1 pixel convention when their gap is below 1
    // pixel, so 0.5 per side would do; 0.75 plus a relative term keeps the test
    // a strict superset despite rounding at any coordinate size.
    static Widened widen(const Box& b) {
        const double px = 0.75 + 1e-9 * (std::fabs(b.x1) + std::fabs(b.x2));
        const double py = 0.75 + 1e-9 * (std::fabs(b.y1) + std::fabs(b.y2));
        return Widened{b.x1 - px, b.y1 - py, b.x2 + px, b.y2 + py};
    }

private:
    void next_stamp();
    // Cells covered by the widened box, clipped to the grid; false if none.
    bool cell_range(const Widened& w, int& cx0, int& cx1, int& cy0, int& cy1) const {
        const double tx0 = (w.x1 - ox_) * inv_cw_, tx1 = (w.x2 - ox_) * inv_cw_;
        const double ty0 = (w.y1 - oy_) * inv_ch_, ty1 = (w.y2 - oy_) * inv_ch_;
        if (!(tx1 >= 0.0) || !(ty1 >= 0.0) || !(tx0 < gx_) || !(ty0 < gy_)) return false;
        cx0 = cell_of(tx0, gx_);
        cx1 = cell_of(tx1, gx_);
        cy0 = cell_of(ty0, gy_);
        cy1 = cell_of(ty1, gy_);
        return true;
    }
    // Cell of coordinate t (in cell units): truncation is floor for t >= 0;
    // values outside the grid clamp to its border cells.
    static int cell_of(double t, int cells) {
        if (!(t >= 0.0)) return 0;
        if (t >= cells) return cells - 1;
        return static_cast<int>(t);
    }
    struct CellRange {
        int x0, x1, y0, y1;
    };

    int n_ = 0;
    int gx_ = 1, gy_ = 1;
    double ox_ = 0.0, oy_ = 0.0, inv_cw_ = 1.0, inv_ch_ = 1.0;
    std::uint32_t stamp_ = 0;
    std::vector<Widened> widened_;
    std::vector<CellRange> ranges_;
    std::vector<int> start_, items_, cell_lo_;
    std::vector<std::uint32_t> seen_;
};

}  // namespace bytetrack
