// A small persistent pool for running independent tasks of one call in parallel.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace bytetrack {

// Tasks 0 .. n-1 of one call, owned by the caller, split into one contiguous
// part per thread: thread 0 (the caller) owns the first part, worker w the
// (w+1)-th. A thread runs its own part front to back, then steals from the back
// of the others' parts. So the caller meets the tasks it needs first (a caller
// consuming results in order rarely waits), and a task (a stream) stays on the
// same thread from call to call: its state stays in that core's cache instead of
// migrating whenever the threads' relative speed jitters.
class PoolJob {
public:
    using TaskFn = void (*)(void*, std::size_t);
    static constexpr std::size_t kMaxTasks = 0xFFFFFFFFu;

    // `parts` threads may take part (1 = the caller only). Grows a buffer the
    // first time a job has more parts than before; no allocation otherwise.
    void reset(std::size_t n, TaskFn fn, void* ctx, int parts = 1) {
        fn_ = fn;
        ctx_ = ctx;
        n_ = n;  // n <= kMaxTasks
        parts_ = parts < 1 ? 1 : parts;
        if (capacity_ < parts_) {
            bounds_.reset(new Part[static_cast<std::size_t>(parts_)]);
            capacity_ = parts_;
        }
        for (int p = 0; p < parts_; ++p) bounds_[p].value.store(pack(begin(p), begin(p + 1)), std::memory_order_relaxed);
        posted_ = false;
    }
    // Runs one task as thread `self`: the next of its own part, else one stolen
    // from the back of another part; false if none is left. Tasks must not throw.
    bool run_one(int self = 0) {
        std::size_t task;
        if (!claim(self, false, task)) {
            bool stolen = false;
            for (int k = 1; k < parts_ && !stolen; ++k) stolen = claim((self + k) % parts_, true, task);
            if (!stolen) return false;
        }
        fn_(ctx_, task);
        return true;
    }
    void run_all(int self = 0) {
        while (run_one(self)) {
        }
    }
    bool posted() const { return posted_; }
    int parts() const { return parts_; }
    // True if task k has not been claimed by any thread yet.
    bool unclaimed(std::size_t k) const {
        if (k >= n_) return false;
        int p = static_cast<int>(k * static_cast<std::size_t>(parts_) / n_);
        while (p > 0 && k < begin(p)) --p;
        while (p + 1 < parts_ && k >= begin(p + 1)) ++p;
        const std::uint64_t cur = bounds_[p].value.load(std::memory_order_relaxed);
        return (cur & 0xFFFFFFFFu) <= k && k < (cur >> 32);
    }

private:
    friend class ThreadPool;
    // One cache line per part: each is claimed from mostly by its own thread.
    struct alignas(64) Part {
        std::atomic<std::uint64_t> value{0};  // front | back << 32: tasks [front, back) are unclaimed
    };
    static std::uint64_t pack(std::uint64_t front, std::uint64_t back) { return front | (back << 32); }
    std::size_t begin(int p) const { return n_ * static_cast<std::size_t>(p) / static_cast<std::size_t>(parts_); }

    bool claim(int p, bool from_back, std::size_t& task) {
        std::atomic<std::uint64_t>& b = bounds_[p].value;
        std::uint64_t cur = b.load(std::memory_order_relaxed);
        for (;;) {
            const std::uint64_t front = cur & 0xFFFFFFFFu, back = cur >> 32;
            if (front >= back) return false;
            const std::uint64_t next = from_back ? pack(front, back - 1) : pack(front + 1, back);
            if (b.compare_exchange_weak(cur, next, std::memory_order_relaxed)) {
                task = static_cast<std::size_t>(from_back ? back - 1 : front);
                return true;
            }
        }
    }

    TaskFn fn_ = nullptr;
    void* ctx_ = nullptr;
    std::size_t n_ = 0;
    int parts_ = 1;
    int capacity_ = 0;
    std::unique_ptr<Part[]> bounds_;
    bool posted_ = false;  // handed to the pool's workers
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
        job.reset(n, [](void* ctx, std::size_t i) { (*static_cast<Task*>(ctx))(i); }, &task, threads());
        if (n > 1) post(job);
        wait(job);
    }

private:
    void worker_loop(int self);
    // Spins (yielding now and then) until `done()` or kSpinMicroseconds pass.
    template <class Done>
    static void spin_until(Done done);

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
