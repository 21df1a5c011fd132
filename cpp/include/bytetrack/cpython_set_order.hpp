// Iteration order of a CPython set difference `set(range(n)) - b`.
//
// supervision's matching returns its unmatched indices as
// `tuple(set(range(n)) - set(matched))`, so the order in which it walks them
// (rows of the second association, leftover detections, and therefore which of
// several newborn tracks gets the lower id) is CPython's set iteration order,
// not ascending order. This reproduces that order for CPython 3.11 / 3.12
// (Objects/setobject.c), whose rules for small non-negative ints are:
//
//  - hash(i) == i, and iteration walks the hash table in slot order;
//  - `a - b` with len(a) >> 2 > len(b) copies `a` into a table larger than
//    2 * len(a) (every value lands in its own slot, i.e. ascending order) and
//    then deletes the members of b: the order stays ascending;
//  - otherwise the result starts as an empty 8-slot table and the surviving
//    values are inserted in a's order (ascending). An insert tries slot
//    i = value & mask, then, if i + 9 <= mask, the 9 slots after it, then
//    jumps to i = (5 * i + 1 + perturb) & mask with perturb = value >> 5, >> 10, ...;
//  - after an insert, if 5 * fill >= 3 * mask the table is rebuilt with the
//    smallest power-of-two size above 4 * used (2 * used beyond 50,000 entries),
//    re-inserting the old entries in old slot order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bytetrack {

// `values`: the members of set(range(n)) - b in ascending order (n = n_a,
// len(b) = n_b, all values distinct and >= 0). Reorders them in place into the
// order `tuple(set(range(n_a)) - b)` yields. `table` is scratch space, reused
// across calls so a warm caller does not allocate.
inline void cpython_set_difference_order(std::size_t n_a, std::size_t n_b, std::vector<int>& values,
                                         std::vector<std::int64_t>& table) {
    if ((n_a >> 2) > n_b || values.size() < 2) return;  // copy case: ascending

    constexpr std::size_t kLinearProbes = 9;
    constexpr int kPerturbShift = 5;
    constexpr std::int64_t kEmpty = -1;

    // CPython's insertion into a table known not to contain the value.
    auto insert = [](std::int64_t* t, std::size_t mask, std::int64_t v) {
        std::size_t i = static_cast<std::size_t>(v) & mask;
        std::size_t perturb = static_cast<std::size_t>(v);
        while (true) {
            const std::size_t probes = i + kLinearProbes <= mask ? kLinearProbes : 0;
            for (std::size_t j = 0; j <= probes; ++j) {
                if (t[i + j] == kEmpty) {
                    t[i + j] = v;
                    return;
                }
            }
            perturb >>= kPerturbShift;
            i = (i * 5 + 1 + perturb) & mask;
        }
    };

    // During a rebuild the old table sits at the front of `table` and the new
    // one right after it.
    std::size_t size = 8;
    table.assign(size, kEmpty);
    std::size_t used = 0;
    for (int value : values) {
        insert(table.data(), size - 1, value);
        ++used;
        if (used * 5 >= (size - 1) * 3) {
            const std::size_t min_used = used > 50000 ? used * 2 : used * 4;
            std::size_t new_size = 8;
            while (new_size <= min_used) new_size <<= 1;
            table.resize(size + new_size, kEmpty);
            for (std::size_t s = 0; s < size; ++s) {
                if (table[s] != kEmpty) insert(table.data() + size, new_size - 1, table[s]);
            }
            table.erase(table.begin(), table.begin() + static_cast<std::ptrdiff_t>(size));
            size = new_size;
        }
    }
    std::size_t w = 0;
    for (std::size_t s = 0; s < size; ++s) {
        if (table[s] != kEmpty) values[w++] = static_cast<int>(table[s]);
    }
}

}  // namespace bytetrack
