#include "bytetrack/lapjv.hpp"

#include <cmath>
#include <cstddef>

namespace bytetrack {

namespace {
// The "infinity" of the reference implementation; costs here are IoU distances.
constexpr double kLarge = 1000000.0;
}  // namespace

// Step 1: column reduction and reduction transfer. Returns the number of free rows.
int LapjvSolver::column_reduction_transfer(int n, const double* cost) {
    int* x = x_.data();
    int* y = y_.data();
    double* v = v_.data();
    for (int i = 0; i < n; ++i) {
        x[i] = -1;
        v[i] = kLarge;
        y[i] = 0;
    }
    for (int i = 0; i < n; ++i) {
        const double* row = cost + static_cast<std::size_t>(i) * n;
        for (int j = 0; j < n; ++j) {
            if (row[j] < v[j]) {
                v[j] = row[j];
                y[j] = i;
            }
        }
    }
    unsigned char* unique = unique_.data();
    for (int i = 0; i < n; ++i) unique[i] = 1;
    // Scanning columns from the last one decides which column a row keeps.
    for (int j = n - 1; j >= 0; --j) {
        const int i = y[j];
        if (x[i] < 0) {
            x[i] = j;
        } else {
            unique[i] = 0;
            y[j] = -1;
        }
    }
    int n_free = 0;
    for (int i = 0; i < n; ++i) {
        if (x[i] < 0) {
            free_rows_[n_free++] = i;
        } else if (unique[i]) {
            const int j = x[i];
            const double* row = cost + static_cast<std::size_t>(i) * n;
            double min_reduced = kLarge;
            for (int j2 = 0; j2 < n; ++j2) {
                if (j2 == j) continue;
                const double c = row[j2] - v[j2];
                if (c < min_reduced) min_reduced = c;
            }
            v[j] -= min_reduced;
        }
    }
    return n_free;
}

// Step 2: one pass of augmenting row reduction. Returns the new number of free rows.
int LapjvSolver::augmenting_row_reduction(int n, const double* cost, int n_free) {
    int* x = x_.data();
    int* y = y_.data();
    double* v = v_.data();
    int* free_rows = free_rows_.data();
    int current = 0;
    int new_free = 0;
    long long passes = 0;
    while (current < n_free) {
        ++passes;
        const int free_i = free_rows[current++];
        const double* row = cost + static_cast<std::size_t>(free_i) * n;
        // Lowest and second-lowest reduced cost of the row.
        int j1 = 0;
        double v1 = row[0] - v[0];
        int j2 = -1;
        double v2 = kLarge;
        for (int j = 1; j < n; ++j) {
            const double c = row[j] - v[j];
            if (c < v2) {
                if (c >= v1) {
                    v2 = c;
                    j2 = j;
                } else {
                    v2 = v1;
                    v1 = c;
                    j2 = j1;
                    j1 = j;
                }
            }
        }
        int i0 = y[j1];
        const double v1_new = v[j1] - (v2 - v1);
        const bool v1_lowers = v1_new < v[j1];
        if (passes < static_cast<long long>(current) * n) {
            if (v1_lowers) {
                v[j1] = v1_new;
            } else if (i0 >= 0 && j2 >= 0) {
                j1 = j2;
                i0 = y[j2];
            }
            if (i0 >= 0) {
                if (v1_lowers) {
                    free_rows[--current] = i0;
                } else {
                    free_rows[new_free++] = i0;
                }
            }
        } else if (i0 >= 0) {
            free_rows[new_free++] = i0;
        }
        x[free_i] = j1;
        y[j1] = free_i;
    }
    return new_free;
}

// Shortest augmenting path (Dijkstra-like) from a free row; returns the free
// column it ends in, or -1 on failure. Updates the column duals of the
// columns it settled.
int LapjvSolver::find_path(int n, const double* cost, int start_row) {
    int* cols = cols_.data();
    int* pred = pred_.data();
    const int* y = y_.data();
    double* d = d_.data();
    double* v = v_.data();
    const double* start = cost + static_cast<std::size_t>(start_row) * n;
    for (int j = 0; j < n; ++j) {
        cols[j] = j;
        pred[j] = start_row;
        d[j] = start[j] - v[j];
    }
    int lo = 0, hi = 0, n_ready = 0, final_j = -1;
    // Every round either settles new columns or scans one; both are bounded by n.
    for (long long guard = 0; final_j == -1; ++guard) {
        if (guard > 4LL * n + 4) return -1;
        if (lo == hi) {
            // Collect the columns at the current minimum distance into [lo, hi).
            n_ready = lo;
            hi = lo + 1;
            double min_d = d[cols[lo]];
            for (int k = hi; k < n; ++k) {
                const int j = cols[k];
                if (d[j] <= min_d) {
                    if (d[j] < min_d) {
                        hi = lo;
                        min_d = d[j];
                    }
                    cols[k] = cols[hi];
                    cols[hi++] = j;
                }
            }
            for (int k = lo; k < hi; ++k) {
                if (y[cols[k]] < 0) final_j = cols[k];
            }
        }
        if (final_j != -1) break;
        // Scan the settled columns, relaxing the distances of the others. The
        // scan works on copies of lo/hi and commits them only when it finds no
        // free column: the dual update below must see the pre-scan values.
        int scan_lo = lo, scan_hi = hi;
        while (scan_lo != scan_hi && final_j == -1) {
            int j = cols[scan_lo++];
            const int i = y[j];
            const double min_d = d[j];
            const double* row = cost + static_cast<std::size_t>(i) * n;
            const double h = row[j] - v[j] - min_d;
            for (int k = scan_hi; k < n; ++k) {
                j = cols[k];
                const double reduced = row[j] - v[j] - h;
                if (reduced < d[j]) {
                    d[j] = reduced;
                    pred[j] = i;
                    if (reduced == min_d) {
                        if (y[j] < 0) {
                            final_j = j;
                            break;
                        }
                        cols[k] = cols[scan_hi];
                        cols[scan_hi++] = j;
                    }
                }
            }
        }
        if (final_j == -1) {
            lo = scan_lo;
            hi = scan_hi;
        }
    }
    const double min_d = d[cols[lo]];
    for (int k = 0; k < n_ready; ++k) {
        const int j = cols[k];
        v[j] += d[j] - min_d;
    }
    return final_j;
}

// Step 3: augment along shortest paths for the remaining free rows.
bool LapjvSolver::augment(int n, const double* cost, int n_free) {
    int* x = x_.data();
    int* y = y_.data();
    for (int f = 0; f < n_free; ++f) {
        const int free_i = free_rows_[f];
        int j = find_path(n, cost, free_i);
        if (j < 0 || j >= n) return false;
        int i = -1;
        int steps = 0;
        while (i != free_i) {
            i = pred_[j];
            y[j] = i;
            const int previous = x[i];
            x[i] = j;
            j = previous;
            if (++steps > n) return false;
        }
    }
    return true;
}

std::size_t LapjvSolver::heap_bytes() const {
    std::size_t total = (extended_.capacity() + v_.capacity() + d_.capacity()) * sizeof(double);
    total += (free_rows_.capacity() + cols_.capacity() + pred_.capacity() + x_.capacity() + y_.capacity()) * sizeof(int);
    return total + unique_.capacity();
}

bool LapjvSolver::run(int n, const double* cost) {
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    for (std::size_t k = 0; k < nn; ++k) {
        if (!std::isfinite(cost[k])) return false;
    }
    const std::size_t size = static_cast<std::size_t>(n);
    if (x_.size() < size) {
        x_.resize(size);
        y_.resize(size);
        v_.resize(size);
        d_.resize(size);
        free_rows_.resize(size);
        cols_.resize(size);
        pred_.resize(size);
        unique_.resize(size);
    }
    int n_free = column_reduction_transfer(n, cost);
    for (int pass = 0; pass < 2 && n_free > 0; ++pass) {
        n_free = augmenting_row_reduction(n, cost, n_free);
    }
    return n_free == 0 || augment(n, cost, n_free);
}

bool LapjvSolver::solve_square(int n, const double* cost, int* x, int* y) {
    if (n < 0) return false;
    if (n == 0) return true;
    if (!run(n, cost)) return false;
    for (int i = 0; i < n; ++i) {
        x[i] = x_[i];
        y[i] = y_[i];
    }
    return true;
}

bool LapjvSolver::solve_square(int n, const double* cost, int* x, int* y, double* v) {
    if (!solve_square(n, cost, x, y)) return false;
    for (int j = 0; j < n; ++j) v[j] = v_[j];
    return true;
}

bool LapjvSolver::solve_limited(const double* cost, int n_rows, int n_cols, double cost_limit,
                                int* row_sol, int* col_sol) {
    if (n_rows < 0 || n_cols < 0) return false;
    for (int i = 0; i < n_rows; ++i) row_sol[i] = -1;
    for (int j = 0; j < n_cols; ++j) col_sol[j] = -1;
    if (n_rows == 0 || n_cols == 0) return true;
    if (!std::isfinite(cost_limit)) return false;
    const int n = n_rows + n_cols;
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    if (extended_.size() < nn) extended_.resize(nn);
    double* ext = extended_.data();
    const double half = cost_limit / 2.0;
    for (int i = 0; i < n; ++i) {
        double* row = ext + static_cast<std::size_t>(i) * n;
        if (i < n_rows) {
            const double* src = cost + static_cast<std::size_t>(i) * n_cols;
            for (int j = 0; j < n_cols; ++j) row[j] = src[j];
            for (int j = n_cols; j < n; ++j) row[j] = half;
        } else {
            for (int j = 0; j < n_cols; ++j) row[j] = half;
            for (int j = n_cols; j < n; ++j) row[j] = 0.0;
        }
    }
    if (!run(n, ext)) return false;
    // Matches to padding columns/rows mean "unmatched".
    for (int i = 0; i < n_rows; ++i) row_sol[i] = x_[i] < n_cols ? x_[i] : -1;
    for (int j = 0; j < n_cols; ++j) col_sol[j] = y_[j] < n_rows ? y_[j] : -1;
    return true;
}

}  // namespace bytetrack
