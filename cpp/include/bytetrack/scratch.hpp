// Per-call scratch arrays kept in member vectors.
#pragma once

#include <cstddef>
#include <vector>

namespace bytetrack {

// At least n elements of scratch, contents unspecified. The vector only grows:
// resize() value-initialises every element it adds, each time the size goes up
// again, which in a warm per-frame loop is a memset per call for nothing.
template <class T>
T* scratch(std::vector<T>& v, std::size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
}

}  // namespace bytetrack
