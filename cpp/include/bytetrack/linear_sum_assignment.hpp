// Rectangular linear sum assignment with the exact behaviour (including tie
// breaking) of scipy.optimize.linear_sum_assignment, which supervision and the
// roboflow trackers package use.
#pragma once

#include <cstdint>
#include <vector>

namespace bytetrack {

// Shortest augmenting path (Crouse 2016), as scipy >= 1.7 runs it:
//  - maximize=True negates the costs; a matrix with more rows than columns is
//    solved transposed and the pairs are then ordered by row;
//  - the costs are used as given (no shift by the minimum: scipy dropped it in 1.7);
//  - +inf marks a forbidden pair; NaN (or -inf after the optional negation) is invalid;
//  - when several columns have the same reduced cost, the scan visits columns from
//    the highest index down and prefers a free column, which makes a constant
//    matrix resolve to the identity.
class LinearSumAssignment {
public:
    enum class Status { ok, infeasible, invalid };

    // cost: rows x cols, row-major. Writes k = min(rows, cols) pairs into row_ind /
    // col_ind in scipy's output order (ascending row). Returns k, or -1 if the
    // problem is infeasible or the costs contain NaN (scipy raises ValueError
    // there; last_status() says which). Never aborts; the workspace is reused
    // between calls, so a warm solver does not allocate.
    int solve(const double* cost, int rows, int cols, bool maximize, int* row_ind, int* col_ind);

    // Outcome of the last solve() call.
    Status last_status() const { return status_; }

private:
    // One shortest augmenting path from free row `row` on the nr x nc matrix;
    // returns the free column reached (sink) or -1 if none is reachable.
    int augmenting_path(const double* cost, int nr, int nc, int row, double& min_value);

    Status status_ = Status::ok;
    // Workspace, grown on demand.
    std::vector<double> work_cost_;  // transposed and/or negated copy when needed
    std::vector<double> u_, v_, shortest_;
    std::vector<int> path_, col4row_, row4col_, remaining_, row_of_col_;
    std::vector<unsigned char> row_seen_, col_seen_;
};

}  // namespace bytetrack
