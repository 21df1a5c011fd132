// A uniform grid over boxes that finds, for a query box, every stored box that
// may overlap it: the candidate pairs of the sparse association and of the
// duplicate-track removal.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include "bytetrack/box.hpp"
#include "bytetrack/scratch.hpp"

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
        // Branch-free test (see AllPairsFilter): hits are collected first, in
        // the same order as they are found, then visited.
        int* hits = hits_.data();
        int n_hits = 0;
        const std::uint32_t stamp = stamp_;
        std::uint32_t* seen = seen_.data();
        const Widened* boxes = widened_.data();
        for (int cy = cy0; cy <= cy1; ++cy) {
            for (int cx = cx0; cx <= cx1; ++cx) {
                const int cell = cy * gx_ + cx;
                for (int k = start_[cell], e = start_[cell + 1]; k < e; ++k) {
                    const int i = items_[k];
                    const int fresh = static_cast<int>(seen[i] != stamp);
                    seen[i] = stamp;
                    const Widened& b = boxes[i];
                    hits[n_hits] = i;
                    n_hits += fresh & static_cast<int>(b.x1 <= q.x2) & static_cast<int>(q.x1 <= b.x2) &
                              static_cast<int>(b.y1 <= q.y2) & static_cast<int>(q.y1 <= b.y2);
                }
            }
        }
        for (int j = 0; j < n_hits; ++j) f(hits[j]);
    }

    static bool all_finite(const Box* boxes, int n);
    std::size_t heap_bytes() const {
        return widened_.capacity() * sizeof(Widened) + ranges_.capacity() * sizeof(CellRange) +
               (start_.capacity() + items_.capacity() + cell_lo_.capacity()) * sizeof(int) +
               (seen_.capacity() + hits_.capacity()) * sizeof(std::uint32_t);
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
    std::vector<int> hits_;  // one query's candidates (each box at most once)
};

// The same candidate test without the grid, for small problems: every stored
// box against the query. The test must not branch per pair: a branch on it is
// mispredicted for a good share of pairs, and at ~26 detections per frame
// those mispredictions cost more than all the comparisons (callgrind
// --branch-sim: 690 -> 310 per frame, -30 % wall time). The boxes are kept
// as float corners padded a little beyond OverlapGrid's widening (float_box:
// each float box contains the widened double box, so the test stays a
// superset of the grid's), in four contiguous arrays: one SSE step tests four
// boxes in x and y at once, and its 4-bit mask goes into a 64-bit word of hits
// whose set bits are then visited in order. Per pair that is about half the
// work of a two-wide double x test followed by a y pass over its survivors
// (bench_native, 26.9 detections per frame: about -15 % per frame).
class AllPairsFilter {
public:
    void build(const Box* boxes, int n) {
        n_ = n > 0 ? n : 0;
        const int padded = (n_ + 3) & ~3;
        float* x1 = scratch(corners_, 4 * static_cast<std::size_t>(padded));
        float* y1 = x1 + padded;
        float* x2 = y1 + padded;
        float* y2 = x2 + padded;
        for (int i = 0; i < n_; ++i) {
            const FloatBox f = float_box(boxes[i]);
            x1[i] = f.x1;
            y1[i] = f.y1;
            x2[i] = f.x2;
            y2[i] = f.y2;
        }
        // Padding never matches: every comparison with NaN is false.
        const float nan = std::numeric_limits<float>::quiet_NaN();
        for (int i = n_; i < padded; ++i) x1[i] = y1[i] = x2[i] = y2[i] = nan;
    }

    // Calls f(i), ascending i, for every stored box whose widened extent meets
    // the widened `query` (a superset of OverlapGrid's pair test).
    template <class F>
    void for_each_candidate(const Box& query, F&& f) {
        const FloatBox q = float_box(query);
        const int padded = (n_ + 3) & ~3;
        const float* x1 = corners_.data();
        const float* y1 = x1 + padded;
        const float* x2 = y1 + padded;
        const float* y2 = x2 + padded;
#if defined(__SSE2__)
        const __m128 qx1 = _mm_set1_ps(q.x1), qy1 = _mm_set1_ps(q.y1);
        const __m128 qx2 = _mm_set1_ps(q.x2), qy2 = _mm_set1_ps(q.y2);
#else
        const float qx1 = q.x1, qy1 = q.y1, qx2 = q.x2, qy2 = q.y2;
#endif
        for (int base = 0; base < padded; base += 64) {
            const int end = base + 64 < padded ? base + 64 : padded;
            std::uint64_t hits = 0;
            for (int i = base; i < end; i += 4) {
#if defined(__SSE2__)
                const __m128 in_x = _mm_and_ps(_mm_cmple_ps(_mm_loadu_ps(x1 + i), qx2),
                                               _mm_cmple_ps(qx1, _mm_loadu_ps(x2 + i)));
                const __m128 in_y = _mm_and_ps(_mm_cmple_ps(_mm_loadu_ps(y1 + i), qy2),
                                               _mm_cmple_ps(qy1, _mm_loadu_ps(y2 + i)));
                const std::uint64_t m = static_cast<unsigned>(_mm_movemask_ps(_mm_and_ps(in_x, in_y)));
#else
                std::uint64_t m = 0;
                for (int j = 0; j < 4; ++j)
                    m |= static_cast<std::uint64_t>((x1[i + j] <= qx2) & (qx1 <= x2[i + j]) & (y1[i + j] <= qy2) &
                                                    (qy1 <= y2[i + j]))
                         << j;
#endif
                hits |= m << (i - base);
            }
            for (; hits != 0; hits &= hits - 1) f(base + lowest_bit(hits));
        }
    }

    std::size_t heap_bytes() const { return corners_.capacity() * sizeof(float); }

private:
    struct FloatBox {
        float x1, y1, x2, y2;
    };
    // A float box containing OverlapGrid::widen(b), in one step: widen pads
    // by 0.75 + 1e-9 * (|x1| + |x2|); the pad here adds 0.01 + ~1.9e-6 *
    // (|x1| + |x2|) on top, far more than the double subtraction and the
    // float rounding (2^-24 relative) can take back. A value beyond the float
    // range becomes +-inf, and so does every value on the far side of it, so
    // the comparisons still hold.
    static FloatBox float_box(const Box& b) {
        const double px = 0.76 + 0x1p-19 * (std::fabs(b.x1) + std::fabs(b.x2));
        const double py = 0.76 + 0x1p-19 * (std::fabs(b.y1) + std::fabs(b.y2));
        return FloatBox{static_cast<float>(b.x1 - px), static_cast<float>(b.y1 - py), static_cast<float>(b.x2 + px),
                        static_cast<float>(b.y2 + py)};
    }
    static int lowest_bit(std::uint64_t v) {
#if defined(__GNUC__)
        return __builtin_ctzll(v);
#else
        int k = 0;
        while (!(v & 1)) {
            v >>= 1;
            ++k;
        }
        return k;
#endif
    }

    int n_ = 0;
    std::vector<float> corners_;  // x1, y1, x2, y2: n rounded up to a multiple of 4 each
};

}  // namespace bytetrack
