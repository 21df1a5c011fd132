// Counts every heap allocation of the program that includes it, by replacing the
// global operator new. Include it from exactly one translation unit of a tool.
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace alloc_counter {
inline std::atomic<long long> allocations{0};
inline long long count() { return allocations.load(std::memory_order_relaxed); }
}  // namespace alloc_counter

void* operator new(std::size_t size) {
    alloc_counter::allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
