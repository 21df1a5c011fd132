// Dense Jonker-Volgenant linear assignment, with the cost-limit extension used by
// lap.lapjv(cost, extend_cost=True, cost_limit=t) and the ByteTrack C++ wrapper.
#pragma once

#include <cstddef>
#include <vector>

namespace bytetrack {

class LapjvSolver {
public:
    // solve_limited pads to a dense (rows + cols)^2 matrix; callers refuse larger
    // problems up front (beyond, that matrix alone would exceed 8 GiB).
    static constexpr int kMaxSize = 32768;

    // Square problem: n x n row-major `cost`. On success x[i] is the column of row
    // i and y[j] the row of column j. Returns false (never aborts) if the costs are
    // not finite or the augmentation fails.
    bool solve_square(int n, const double* cost, int* x, int* y);
    // Same, also returning the column duals v (n values); row duals follow from
    // complementary slackness: u[i] = cost[i][x[i]] - v[x[i]].
    bool solve_square(int n, const double* cost, int* x, int* y, double* v);

    // Rectangular problem with a cost limit, exactly as lap >= 0.5 pads it:
    // an (R+C) x (R+C) matrix with `cost` top-left, zeros bottom-right and
    // cost_limit / 2 elsewhere. row_sol[i] is the matched column or -1, col_sol[j]
    // the matched row or -1. A pair can only be matched if its cost <= cost_limit.
    bool solve_limited(const double* cost, int n_rows, int n_cols, double cost_limit,
                       int* row_sol, int* col_sol);

    // Bytes of workspace currently held (memory accounting).
    std::size_t heap_bytes() const;

private:
    // Solves the n x n problem into the workspace (x_, y_).
    bool run(int n, const double* cost);
    int column_reduction_transfer(int n, const double* cost);
    int augmenting_row_reduction(int n, const double* cost, int n_free);
    bool augment(int n, const double* cost, int n_free);
    int find_path(int n, const double* cost, int start_row);

    // Workspace, grown on demand and reused across calls.
    std::vector<double> extended_, v_, d_;
    std::vector<int> free_rows_, cols_, pred_, x_, y_;
    std::vector<unsigned char> unique_;
};

}  // namespace bytetrack
