// A small persistent pool for running independent tasks of one call in parallel.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace bytetrack {

// Tasks 0 .. n-1 of one call, owned by the caller. The caller claims tasks
// from the front and workers from the back, so the caller meets the tasks it
// needs first (a caller consuming results in order rarely waits for a worker),
// and each thread tends to get the same streams every frame (warm caches).
class PoolJob {
public:
    using TaskFn = void (*)(void*, std::size_t);
    static constexpr std::size_t kMaxTasks = 0xFFFFFFFFu;

    void reset(std::size_t n, TaskFn fn, void* ctx) {
        fn_ = fn;
        ctx_ = ctx;
        bounds_.store(pack(0, n), std::memory_order_relaxed);  // n <= kMaxTasks
        posted_ = false;
    }
    // Runs the next unclaimed task from the front (the caller) or the back (a
    // worker); false if none is left. Tasks must not throw.
    bool run_one(bool from_back = false) {
        std::uint64_t cur = bounds_.load(std::memory_order_relaxed);
        std::size_t task;
        for (;;) {
            const std::uint64_t front = cur & 0xFFFFFFFFu, back = cur >> 32;
            if (front >= back) return false;
            const std::uint64_t next = from_back ? pack(front, back - 1) : pack(front + 1, back);
            if (bounds_.compare_exchange_weak(cur, next, std::memory_order_relaxed)) {
                task = static_cast<std::size_t>(from_back ? back - 1 : front);
                break;
            }
        }
        fn_(ctx_, task);
        return true;
    }
    void run_all(bool from_back = false) {
        while (run_one(from_back)) {
        }
    }
    bool posted() const { return posted_; }
    // True if task k has not been claimed by any thread yet.
    bool unclaimed(std::size_t k) const {
        const std::uint64_t cur = bounds_.load(std::memory_order_relaxed);
        return (cur & 0xFFFFFFFFu) <= k && k < (cur >> 32);
    }

private:
    friend class ThreadPool;
    static std::uint64_t pack(std::uint64_t front, std::uint64_t back) { return front | (back << 32); }

    TaskFn fn_ = nullptr;
    void* ctx_ = nullptr;
    std::atomic<std::uint64_t> bounds_{0};  // front | back << 32: tasks [front, back) are unclaimed
    bool posted_ = false;                   // handed to the pool's workers
};

// `threads` - 1 worker threads are started once; the calling thread is the
// last worker, so threads == 1 means no extra thread at all. An idle worker
// spins for kSpinMicroseconds before it sleeps: a video loop posts one batch per
// frame, back to back when many streams are replayed, and waking a sleeping
// thread takes longer than a small batch's work. A real-time loop (one batch per
// camera frame) pays that spin once per frame and worker: well under 1% of a core. Safe to use from
// several threads: a call that finds the workers busy with another call's job
// runs its tasks on its own thread instead of waiting. After fork() the child
// has no workers and runs everything on the calling thread.
class ThreadPool {
public:
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    static constexpr int kSpinMicroseconds = 100;

    int threads() const { return static_cast<int>(workers_.size()) + 1; }

    // Hands `job` to the workers, who start on it at once; false (job not
    // posted) if there are no workers or they are busy. Every posted job must
    // be finished with wait() before the job is reused or destroyed.
    bool post(PoolJob& job);
    // Runs the job's unclaimed tasks on this thread, then waits until the
    // workers have let go of it.
    void wait(PoolJob& job);

    // Calls task(i) once for every i in [0, n) and returns when all are done.
    template <class Task>
    void run(std::size_t n, Task& task, PoolJob& job) {
        job.reset(n, [](void* ctx, std::size_t i) { (*static_cast<Task*>(ctx))(i); }, &task);
        if (n > 1) post(job);
        wait(job);
    }

private:
    void worker_loop();

    std::vector<std::thread> workers_;
    long owner_process_;  // process that started the workers
    std::mutex mu_;  // guards everything below (the atomics are also read without it)
    std::condition_variable wake_, finished_;
    PoolJob* job_ = nullptr;                   // the job workers may join, if any
    std::atomic<std::size_t> generation_{0};   // bumped for every posted job
    std::atomic<std::size_t> active_{0};       // workers inside a job (changed under mu_)
    std::atomic<bool> stop_{false};
};

}  // namespace bytetrack
