#include "bytetrack/association.hpp"

#include <algorithm>
#include <cmath>

#include "bytetrack/scratch.hpp"

namespace bytetrack {

namespace {
// Below this many pairs, testing every pair is cheaper than building the grid
// (bench_native: 50 objects per frame, ~1500-3000 pairs, 12.3 -> 10.0 us per
// frame with 4096 instead of 1024; at 100 objects the grid wins).
constexpr long long kAllPairsCells = 4096;
}  // namespace

bool SparseAssignment::solve(const Box* tracks, int rows, const Box* dets, const double* scores, int cols,
                             double limit, bool fuse, int* row_sol, int* col_sol) {
    for (int r = 0; r < rows; ++r) row_sol[r] = -1;
    for (int c = 0; c < cols; ++c) col_sol[c] = -1;
    if (rows <= 0 || cols <= 0) return rows >= 0 && cols >= 0;
    if (mode_ == Mode::Dense) {
        ++stats_.dense;
        return solve_dense(tracks, rows, dets, scores, cols, limit, fuse, row_sol, col_sol);
    }
    if (solve_sparse(tracks, rows, dets, scores, cols, limit, fuse, row_sol, col_sol)) {
        ++stats_.sparse;
        return true;
    }
    ++stats_.fallback;
    return solve_dense(tracks, rows, dets, scores, cols, limit, fuse, row_sol, col_sol);
}

bool SparseAssignment::solve_dense(const Box* tracks, int rows, const Box* dets, const double* scores, int cols,
                                   double limit, bool fuse, int* row_sol, int* col_sol) {
    scratch(dense_cost_, static_cast<std::size_t>(rows) * cols);
    for (int r = 0; r < rows; ++r) {
        double* out = dense_cost_.data() + static_cast<std::size_t>(r) * cols;
        for (int c = 0; c < cols; ++c) out[c] = association_cost(tracks[r], dets[c], scores[c], fuse);
    }
    return lapjv_.solve_limited(dense_cost_.data(), rows, cols, limit, row_sol, col_sol);
}

std::size_t SparseAssignment::heap_bytes() const {
    auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
    std::size_t total = bytes(dense_cost_) + bytes(edge_row_) + bytes(edge_col_) + bytes(edge_cost_);
    for (const auto* v : {&parent_, &comp_of_root_, &comp_start_, &comp_rows_start_, &comp_cols_start_, &edge_comp_,
                          &col_comp_, &sorted_edges_, &comp_rows_, &comp_cols_, &local_, &fill_, &x_, &y_,
                          &adj_start_, &adj_, &index_, &low_, &scc_, &stack_, &call_})
        total += bytes(*v);
    total += bytes(padded_) + bytes(duals_) + bytes(row_duals_) + bytes(on_stack_) + bytes(col_seen_);
    return total + lapjv_.heap_bytes() + grid_.heap_bytes() + pairs_.heap_bytes();
}

int SparseAssignment::find(int v) {
    while (parent_[v] != v) {
        parent_[v] = parent_[parent_[v]];
        v = parent_[v];
    }
    return v;
}

bool SparseAssignment::solve_sparse(const Box* tracks, int rows, const Box* dets, const double* scores, int cols,
                                    double limit, bool fuse, int* row_sol, int* col_sol) {
    // Step 1 of the proof: non-overlapping pairs (cost 1.0) must be non-edges.
    if (!(limit + kTieMargin < 1.0)) return false;
    // Detections are validated finite by the tracker; a non-finite track box
    // (never seen, but not excluded) would make the dense costs NaN.
    if (!OverlapGrid::all_finite(tracks, rows)) return false;

    // Edges: the pairs that could be matched.
    total_rows_ = rows;
    edge_row_.clear();
    edge_col_.clear();
    edge_cost_.clear();
    const double edge_limit = limit + kTieMargin;
    auto consider = [&](int r, int c) {
        const double cost = association_cost(tracks[r], dets[c], scores[c], fuse);
        if (cost <= edge_limit) {
            edge_row_.push_back(r);
            edge_col_.push_back(c);
            edge_cost_.push_back(cost);
        }
    };
    if (static_cast<long long>(rows) * cols <= kAllPairsCells) {
        // Every pair, with the grid's widened-box test as a cheap reject.
        pairs_.build(dets, cols);
        for (int r = 0; r < rows; ++r) pairs_.for_each_candidate(tracks[r], [&](int c) { consider(r, c); });
    } else {
        grid_.build(dets, cols);
        for (int r = 0; r < rows; ++r) grid_.for_each_candidate(tracks[r], [&](int c) { consider(r, c); });
    }
    const int n_edges = static_cast<int>(edge_row_.size());
    if (n_edges == 0) return true;

    // Common case first: no row and no column with two edges. Then every edge
    // is a 1 x 1 component (a star of one edge, step 3).
    const double must_beat = limit - kTieMargin;
    bool singletons = true;
    // A column is marked when col_seen_ holds this call's stamp (no clearing).
    if (static_cast<int>(col_seen_.size()) < cols) col_seen_.resize(cols, 0u);
    if (++col_stamp_ == 0) {
        std::fill(col_seen_.begin(), col_seen_.end(), 0u);
        col_stamp_ = 1;
    }
    for (int e = 0; e < n_edges && singletons; ++e) {
        // Edges come in ascending row order.
        if ((e > 0 && edge_row_[e] == edge_row_[e - 1]) || col_seen_[edge_col_[e]] == col_stamp_) singletons = false;
        col_seen_[edge_col_[e]] = col_stamp_;
    }
    if (singletons) {
        stats_.components += n_edges;
        for (int e = 0; e < n_edges; ++e) {
            if (!(edge_cost_[e] < must_beat)) return false;
            row_sol[edge_row_[e]] = edge_col_[e];
            col_sol[edge_col_[e]] = edge_row_[e];
        }
        return true;
    }

    // Step 2: connected components (rows are vertices 0..R-1, columns
    // R..R+C-1). Only vertices with an edge are touched: with dozens of lost
    // tracks in the pool most rows have none.
    const int nv = rows + cols;
    if (static_cast<int>(parent_.size()) < nv) {
        parent_.resize(nv);
        comp_of_root_.resize(nv);
        local_.resize(nv);
    }
    if (static_cast<int>(col_comp_.size()) < cols) col_comp_.resize(cols);
    for (int e = 0; e < n_edges; ++e) {
        parent_[edge_row_[e]] = edge_row_[e];
        parent_[rows + edge_col_[e]] = rows + edge_col_[e];
    }
    for (int e = 0; e < n_edges; ++e) {
        const int a = find(edge_row_[e]), b = find(rows + edge_col_[e]);
        if (a != b) parent_[std::max(a, b)] = std::min(a, b);
    }
    // Number the components in edge order (edge_comp_ holds the root first).
    scratch(edge_comp_, n_edges);
    for (int e = 0; e < n_edges; ++e) {
        edge_comp_[e] = find(edge_row_[e]);
        comp_of_root_[edge_comp_[e]] = -1;
    }
    int n_comp = 0;
    for (int e = 0; e < n_edges; ++e) {
        int& comp = comp_of_root_[edge_comp_[e]];
        if (comp < 0) comp = n_comp++;
        edge_comp_[e] = comp;
    }
    stats_.components += n_comp;
    // Component of each column with an edge, -1 for the others.
    int* col_comp = col_comp_.data();
    std::fill(col_comp, col_comp + cols, -1);
    for (int e = 0; e < n_edges; ++e) col_comp[edge_col_[e]] = edge_comp_[e];
    // Bucket edges, rows and columns by component (counting sort). Edges come
    // in ascending row order, so a row is new where its edge run starts.
    comp_start_.assign(n_comp + 1, 0);
    comp_rows_start_.assign(n_comp + 1, 0);
    comp_cols_start_.assign(n_comp + 1, 0);
    for (int e = 0; e < n_edges; ++e) {
        ++comp_start_[edge_comp_[e] + 1];
        if (e == 0 || edge_row_[e] != edge_row_[e - 1]) ++comp_rows_start_[edge_comp_[e] + 1];
    }
    for (int c = 0; c < cols; ++c) {
        if (col_comp[c] >= 0) ++comp_cols_start_[col_comp[c] + 1];
    }
    for (int k = 0; k < n_comp; ++k) {
        comp_start_[k + 1] += comp_start_[k];
        comp_rows_start_[k + 1] += comp_rows_start_[k];
        comp_cols_start_[k + 1] += comp_cols_start_[k];
    }
    scratch(sorted_edges_, n_edges);
    fill_.assign(comp_start_.begin(), comp_start_.end() - 1);
    for (int e = 0; e < n_edges; ++e) sorted_edges_[fill_[edge_comp_[e]]++] = e;
    scratch(comp_rows_, comp_rows_start_[n_comp]);
    scratch(comp_cols_, comp_cols_start_[n_comp]);
    fill_.assign(comp_rows_start_.begin(), comp_rows_start_.end() - 1);
    for (int e = 0; e < n_edges; ++e) {
        if (e > 0 && edge_row_[e] == edge_row_[e - 1]) continue;
        const int r = edge_row_[e], comp = edge_comp_[e];
        local_[r] = fill_[comp] - comp_rows_start_[comp];
        comp_rows_[fill_[comp]++] = r;
    }
    fill_.assign(comp_cols_start_.begin(), comp_cols_start_.end() - 1);
    for (int c = 0; c < cols; ++c) {
        const int comp = col_comp[c];
        if (comp < 0) continue;
        local_[rows + c] = fill_[comp] - comp_cols_start_[comp];
        comp_cols_[fill_[comp]++] = c;
    }

    // Step 3: solve each component.
    for (int k = 0; k < n_comp; ++k) {
        const int nr = comp_rows_start_[k + 1] - comp_rows_start_[k];
        const int nc = comp_cols_start_[k + 1] - comp_cols_start_[k];
        if (nr == 1 || nc == 1) {
            // A star: the cheapest edge wins if it is clearly below the limit
            // and clearly cheaper than the next one.
            int best = -1;
            double best_cost = 0.0, second = 0.0;
            bool has_second = false;
            for (int s = comp_start_[k]; s < comp_start_[k + 1]; ++s) {
                const int e = sorted_edges_[s];
                const double cost = edge_cost_[e];
                if (best < 0 || cost < best_cost) {
                    if (best >= 0) {
                        second = best_cost;
                        has_second = true;
                    }
                    best = e;
                    best_cost = cost;
                } else if (!has_second || cost < second) {
                    second = cost;
                    has_second = true;
                }
            }
            if (!(best_cost < must_beat)) return false;
            if (has_second && !(second > best_cost + kTieMargin)) return false;
            row_sol[edge_row_[best]] = edge_col_[best];
            col_sol[edge_col_[best]] = edge_row_[best];
            continue;
        }
        ++stats_.lapjv_components;
        if (!solve_component(k, limit, row_sol, col_sol)) return false;
    }
    return true;
}

bool SparseAssignment::solve_component(int comp, double limit, int* row_sol, int* col_sol) {
    const int nr = comp_rows_start_[comp + 1] - comp_rows_start_[comp];
    const int nc = comp_cols_start_[comp + 1] - comp_cols_start_[comp];
    const int* rows = comp_rows_.data() + comp_rows_start_[comp];
    const int* cols = comp_cols_.data() + comp_cols_start_[comp];
    const int n = nr + nc;
    // The padded sub-problem, laid out like LapjvSolver::solve_limited's.
    scratch(padded_, static_cast<std::size_t>(n) * n);
    const double half = limit / 2.0;
    for (int i = 0; i < n; ++i) {
        double* row = padded_.data() + static_cast<std::size_t>(i) * n;
        if (i < nr) {
            for (int j = 0; j < nc; ++j) row[j] = 1.0;  // non-edge filler (> limit + margin)
            for (int j = nc; j < n; ++j) row[j] = half;
        } else {
            for (int j = 0; j < nc; ++j) row[j] = half;
            for (int j = nc; j < n; ++j) row[j] = 0.0;
        }
    }
    const int n_rows_total = total_rows_;
    for (int s = comp_start_[comp]; s < comp_start_[comp + 1]; ++s) {
        const int e = sorted_edges_[s];
        const int i = local_[edge_row_[e]];
        const int j = local_[n_rows_total + edge_col_[e]];
        padded_[static_cast<std::size_t>(i) * n + j] = edge_cost_[e];
    }
    scratch(x_, n);
    scratch(y_, n);
    scratch(duals_, n);
    if (!lapjv_.solve_square(n, padded_.data(), x_.data(), y_.data(), duals_.data())) return false;
    const double delta = kTieMargin / (4.0 * n);
    if (has_tie_cycle(n, nr, nc, delta)) return false;
    for (int i = 0; i < nr; ++i) {
        if (x_[i] < nc) {
            row_sol[rows[i]] = cols[x_[i]];
            col_sol[cols[x_[i]]] = rows[i];
        }
    }
    return true;
}

// Certificate of step 3: returns true (= give up) if the duals do not prove x
// optimal, or if a cycle of tight entries changes the real matching.
bool SparseAssignment::has_tie_cycle(int n, int real_rows, int real_cols, double delta) {
    const double* P = padded_.data();
    const double* v = duals_.data();
    scratch(row_duals_, n);
    for (int i = 0; i < n; ++i) row_duals_[i] = P[static_cast<std::size_t>(i) * n + x_[i]] - v[x_[i]];
    // Tight-entry graph on columns: x[i] -> j for tight (i, j), j != x[i].
    // Built column by column (the row holding column c is y[c]) as CSR.
    adj_start_.assign(n + 1, 0);
    adj_.clear();
    for (int c = 0; c < n; ++c) {
        const int i = y_[c];
        const double* row = P + static_cast<std::size_t>(i) * n;
        const double u = row_duals_[i];
        for (int j = 0; j < n; ++j) {
            const double reduced = row[j] - u - v[j];
            if (!(reduced >= -delta)) return true;  // not certified optimal (or NaN)
            if (j != c && reduced <= kTieMargin) adj_.push_back(j);
        }
        adj_start_[c + 1] = static_cast<int>(adj_.size());
    }
    // Tarjan's strongly connected components, iteratively.
    index_.assign(n, -1);
    low_.assign(n, 0);
    scc_.assign(n, -1);
    on_stack_.assign(n, 0);
    stack_.clear();
    call_.clear();  // pairs (node, next edge position)
    int counter = 0, n_scc = 0;
    for (int root = 0; root < n; ++root) {
        if (index_[root] >= 0) continue;
        call_.push_back(root);
        call_.push_back(adj_start_[root]);
        index_[root] = low_[root] = counter++;
        stack_.push_back(root);
        on_stack_[root] = 1;
        while (!call_.empty()) {
            const int node = call_[call_.size() - 2];
            int& pos = call_.back();
            if (pos < adj_start_[node + 1]) {
                const int next = adj_[pos++];
                if (index_[next] < 0) {
                    index_[next] = low_[next] = counter++;
                    stack_.push_back(next);
                    on_stack_[next] = 1;
                    call_.push_back(next);
                    call_.push_back(adj_start_[next]);
                } else if (on_stack_[next]) {
                    low_[node] = std::min(low_[node], index_[next]);
                }
                continue;
            }
            call_.pop_back();
            call_.pop_back();
            if (low_[node] == index_[node]) {
                int w;
                do {
                    w = stack_.back();
                    stack_.pop_back();
                    on_stack_[w] = 0;
                    scc_[w] = n_scc;
                } while (w != node);
                ++n_scc;
            }
            if (!call_.empty()) {
                const int parent = call_[call_.size() - 2];
                low_[parent] = std::min(low_[parent], low_[node]);
            }
        }
    }
    // An edge x[i] -> j lies on a cycle iff both ends share an SCC; it changes
    // the real matching iff row i is real and x[i] or j is a real column.
    for (int i = 0; i < real_rows; ++i) {
        const int from = x_[i];
        for (int p = adj_start_[from]; p < adj_start_[from + 1]; ++p) {
            const int to = adj_[p];
            if (scc_[to] == scc_[from] && (from < real_cols || to < real_cols)) return true;
        }
    }
    return false;
}

}  // namespace bytetrack
