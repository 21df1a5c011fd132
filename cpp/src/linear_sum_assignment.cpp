#include "bytetrack/linear_sum_assignment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bytetrack {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

int LinearSumAssignment::augmenting_path(const double* cost, int nr, int nc, int row, double& min_value) {
    (void)nr;
    // Columns not yet on the alternating tree. Filled from the highest index down:
    // together with the swap-with-last removal this fixes the visiting order that
    // decides ties (scipy's choice, so a constant matrix gives the identity).
    int num_remaining = nc;
    for (int k = 0; k < nc; ++k) remaining_[k] = nc - 1 - k;
    std::fill(row_seen_.begin(), row_seen_.end(), 0);
    std::fill(col_seen_.begin(), col_seen_.end(), 0);
    std::fill(shortest_.begin(), shortest_.end(), kInf);

    double reached = 0.0;  // length of the shortest path found so far
    int i = row;
    for (;;) {
        row_seen_[i] = 1;
        int best = -1;
        double lowest = kInf;
        const double* cost_row = cost + static_cast<std::size_t>(i) * nc;
        for (int k = 0; k < num_remaining; ++k) {
            const int j = remaining_[k];
            // Same operation order as the reference: ((reached + c) - u) - v.
            const double reduced = reached + cost_row[j] - u_[i] - v_[j];
            if (reduced < shortest_[j]) {
                path_[j] = i;
                shortest_[j] = reduced;
            }
            // Among equal minima prefer a column that is still free: it ends the path.
            if (shortest_[j] < lowest || (shortest_[j] == lowest && row4col_[j] == -1)) {
                lowest = shortest_[j];
                best = k;
            }
        }
        reached = lowest;
        if (reached == kInf) return -1;  // every remaining pair is forbidden

        const int j = remaining_[best];
        col_seen_[j] = 1;
        remaining_[best] = remaining_[--num_remaining];
        if (row4col_[j] == -1) {
            min_value = reached;
            return j;
        }
        i = row4col_[j];
    }
}

int LinearSumAssignment::solve(const double* cost, int rows, int cols, bool maximize, int* row_ind,
                               int* col_ind) {
    status_ = Status::ok;
    if (rows < 0 || cols < 0 || (cost == nullptr && rows > 0 && cols > 0)) {
        status_ = Status::invalid;
        return -1;
    }
    if (rows == 0 || cols == 0) return 0;

    const std::size_t n_cells = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
    // NaN anywhere, or -inf in the (possibly negated) minimisation problem, is invalid.
    const double bad_inf = maximize ? kInf : -kInf;
    for (std::size_t k = 0; k < n_cells; ++k) {
        if (std::isnan(cost[k]) || cost[k] == bad_inf) {
            status_ = Status::invalid;
            return -1;
        }
    }

    // The algorithm needs at least as many columns as rows: solve tall problems
    // transposed. Maximisation minimises the negated costs.
    const bool transpose = cols < rows;
    int nr = rows, nc = cols;
    const double* c = cost;
    if (transpose || maximize) {
        work_cost_.resize(n_cells);
        if (transpose) {
            for (int i = 0; i < rows; ++i)
                for (int j = 0; j < cols; ++j)
                    work_cost_[static_cast<std::size_t>(j) * rows + i] = cost[static_cast<std::size_t>(i) * cols + j];
            std::swap(nr, nc);
        } else {
            std::copy(cost, cost + n_cells, work_cost_.begin());
        }
        if (maximize)
            for (double& x : work_cost_) x = -x;
        c = work_cost_.data();
    }

    u_.assign(nr, 0.0);
    v_.assign(nc, 0.0);
    shortest_.resize(nc);
    path_.assign(nc, -1);
    col4row_.assign(nr, -1);
    row4col_.assign(nc, -1);
    row_seen_.resize(nr);
    col_seen_.resize(nc);
    remaining_.resize(nc);

    for (int cur = 0; cur < nr; ++cur) {
        double min_value = 0.0;
        const int sink = augmenting_path(c, nr, nc, cur, min_value);
        if (sink < 0) {
            status_ = Status::infeasible;
            return -1;
        }
        // Dual update over the rows and columns the search visited.
        u_[cur] += min_value;
        for (int i = 0; i < nr; ++i)
            if (row_seen_[i] && i != cur) u_[i] += min_value - shortest_[col4row_[i]];
        for (int j = 0; j < nc; ++j)
            if (col_seen_[j]) v_[j] -= min_value - shortest_[j];
        // Flip the alternating path back to the starting row.
        int j = sink;
        for (;;) {
            const int i = path_[j];
            row4col_[j] = i;
            std::swap(col4row_[i], j);
            if (i == cur) break;
        }
    }

    if (!transpose) {
        for (int i = 0; i < nr; ++i) {
            row_ind[i] = i;
            col_ind[i] = col4row_[i];
        }
        return nr;
    }
    // Transposed: row r of the solved problem is input column r, matched to input
    // row col4row_[r]. Report the pairs by ascending input row.
    row_of_col_.assign(nc, -1);
    for (int r = 0; r < nr; ++r) row_of_col_[col4row_[r]] = r;
    int k = 0;
    for (int input_row = 0; input_row < nc; ++input_row) {
        if (row_of_col_[input_row] < 0) continue;
        row_ind[k] = input_row;
        col_ind[k] = row_of_col_[input_row];
        ++k;
    }
    return k;
}

}  // namespace bytetrack
