// Track-detection assignment that costs only what can overlap: the sparse,
// per-component equivalent of LapjvSolver::solve_limited on the dense IoU
// distance matrix, with a proof (below) that it returns the same assignment,
// and a fall back to the dense solve wherever the proof does not apply.
#pragma once

#include <cstdint>
#include <vector>

#include "bytetrack/box.hpp"
#include "bytetrack/lapjv.hpp"
#include "bytetrack/overlap_grid.hpp"

namespace bytetrack {

// Distance of a track box to a detection, as the ifzhang trackers compute it:
// 1 - IoU(+1 px), optionally fused with the detection score through the
// reference's literal arithmetic (similarity recovered from the distance).
// Pairs that do not overlap cost exactly 1.0, fused or not.
inline double association_cost(const Box& track, const Box& det, double det_score, bool fuse) {
    double dist = 1.0 - iou_plus_one(track, det);
    if (fuse) {
        const double sim = 1.0 - dist;
        dist = 1.0 - sim * det_score;
    }
    return dist;
}

// Why solving per component gives the dense solver's answer
// ---------------------------------------------------------
// Let c[r][k] = association_cost(...) for R tracks and C detections, and L the
// cost limit. solve_limited pads c to the (R+C)x(R+C) matrix [c, L/2; L/2, 0].
// A padded assignment is a matching M of real pairs (r, k) completed by padding
// (each unmatched real row takes a padding column at L/2, each unmatched real
// column a padding row at L/2, padding meets padding at 0), so
//     cost = (R + C) * L/2 + sum over M of (c[r][k] - L).
// Every completion of the same M costs the same and the output (row_sol,
// col_sol) is M alone. So the dense solver returns *a* matching M maximising
// W(M) = sum over M of w[r][k], w = L - c; if that maximum is attained by one
// matching only -- with a margin above rounding -- the dense answer is that
// matching, whatever lapjv's tie-breaking does. (Lapjv is exact up to
// floating-point rounding of its duals, ~1e-15 per operation on costs in [0, 1];
// kTieMargin is orders of magnitude larger.)
//
// 1. Edges. Call (r, k) an edge if c[r][k] <= L + kTieMargin. A non-edge has
//    w < -kTieMargin, so dropping it from any matching gains more than the
//    margin: no near-optimal matching contains a non-edge. Pairs that do not
//    overlap cost exactly 1.0 and are non-edges whenever L + kTieMargin < 1
//    (otherwise: dense solve). The OverlapGrid finds a superset of the
//    overlapping pairs, so every edge is found.
// 2. Components. Split rows and columns into the connected components of the
//    edge graph. A matching without non-edges is a disjoint union of one
//    matching per component, and W adds up over components, so the optimum is
//    the union of per-component optima, and it is unique iff each component's
//    optimum is unique. Rows/columns without an edge are unmatched in it.
// 3. One component (r rows, k columns) is the padded sub-problem
//    [c', L/2; L/2, 0] where c' holds the edge costs and 1.0 for the
//    non-edges (any value > L + margin gives the same optimum, by 1.).
//    - A component with one row (or one column) is a star: the optimum matches
//      the row to its cheapest edge if that is < L - margin, and it is unique
//      iff additionally the second cheapest edge is > cheapest + margin.
//    - Otherwise lapjv solves it, and a certificate checks the answer: with
//      column duals v and row duals u[i] = P[i][x[i]] - v[x[i]], every reduced
//      cost P[i][j] - u[i] - v[j] must be >= -delta (optimality: any other
//      assignment costs at least cost(x) - n * delta). Another optimal
//      assignment differs from x by cycles of "tight" entries (reduced cost
//      <= margin); it changes the real matching iff such a cycle moves a real
//      row from or to a real column. Those cycles are found as strongly
//      connected components of the graph column x[i] -> column j over tight
//      (i, j). If none exists, every assignment with another real matching
//      costs at least margin - n * delta more: the optimum is unique.
// 4. Anything that fails (a star tie, a certificate that does not hold, a
//    cycle of ties, non-finite boxes) makes the whole problem fall back to the
//    dense solver: with exact ties the dense answer depends on lapjv's order
//    of work over the whole matrix, which a component cannot reproduce.
// tests/test_sparse_association.py checks this against the dense solver on
// thousands of generated frames, crowded ones and exact ties included.
class SparseAssignment {
public:
    enum class Mode { Auto, Dense, Sparse };

    // Fills row_sol (R values: matched column or -1) and col_sol (C values) with
    // exactly what LapjvSolver::solve_limited returns for the dense matrix of
    // association_cost. Returns false where that would (lapjv failure).
    // Detection boxes and scores must be finite (the tracker validates them).
    bool solve(const Box* tracks, int rows, const Box* dets, const double* scores, int cols, double limit,
               bool fuse, int* row_sol, int* col_sol);

    // Auto/Sparse: per component (callgrind: cheaper than the dense solve at
    // every size, even 1 x 1, thanks to the all-pairs path for small problems),
    // falling back to dense where the proof does not apply. Dense: always the
    // dense solve (for tests and benchmarks).
    void set_mode(Mode mode) { mode_ = mode; }

    struct Stats {
        std::int64_t dense = 0;     // solved densely by size or mode
        std::int64_t sparse = 0;    // solved per component
        std::int64_t fallback = 0;  // sparse attempted, fell back to dense (ties)
        std::int64_t components = 0, lapjv_components = 0;
    };
    const Stats& stats() const { return stats_; }
    std::size_t heap_bytes() const;

    // Ties closer than this are treated as ties (see the proof above).
    static constexpr double kTieMargin = 1e-8;

private:
    bool solve_dense(const Box* tracks, int rows, const Box* dets, const double* scores, int cols, double limit,
                     bool fuse, int* row_sol, int* col_sol);
    // Returns false if the problem must be solved densely.
    bool solve_sparse(const Box* tracks, int rows, const Box* dets, const double* scores, int cols, double limit,
                      bool fuse, int* row_sol, int* col_sol);
    // One component with >= 2 rows and >= 2 columns; false on a tie.
    bool solve_component(int comp, double limit, int* row_sol, int* col_sol);
    int find(int v);
    // True if the tight graph of the solved component has a cycle that changes
    // the real matching.
    bool has_tie_cycle(int n, int real_rows, int real_cols, double delta);

    Mode mode_ = Mode::Auto;
    int total_rows_ = 0;  // rows of the problem being solved (column vertices follow them)
    Stats stats_;
    LapjvSolver lapjv_;
    OverlapGrid grid_;
    AllPairsFilter pairs_;

    // Scratch, reused across calls.
    std::vector<double> dense_cost_;
    std::vector<int> edge_row_, edge_col_;
    std::vector<double> edge_cost_;
    std::vector<int> parent_, comp_of_root_, comp_start_, comp_rows_start_, comp_cols_start_;
    std::vector<int> edge_comp_, col_comp_;
    std::vector<int> sorted_edges_, comp_rows_, comp_cols_, local_, fill_;
    std::vector<double> padded_, duals_, row_duals_;
    std::vector<int> x_, y_;
    std::vector<std::uint32_t> col_seen_;
    std::uint32_t col_stamp_ = 0;
    // Tie-cycle search (Tarjan's SCC, iterative).
    std::vector<int> adj_start_, adj_, index_, low_, scc_, stack_, call_;
    std::vector<unsigned char> on_stack_;
};

}  // namespace bytetrack
