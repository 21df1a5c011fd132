// A small persistent pool for running independent tasks of one call in parallel.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace bytetrack {

// Tasks 0 .. n-1 of one call. The caller owns it; workers and the caller claim
// tasks from it in index order, so the caller can also help or run it alone.
class PoolJob {
public:
    using TaskFn = void (*)(void*, std::size_t);

    void reset(std::size_t n, TaskFn fn, void* ctx) {
        n_ = n;
        fn_ = fn;
        ctx_ = ctx;
        next_.store(0, std::memory_order_relaxed);
        posted_ = false;
    }
    // Runs the next unclaimed task; false if none is left. Tasks must not throw.
    bool run_one() {
        const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
        if (i >= n_) return false;
        fn_(ctx_, i);
        return true;
    }
    void run_all() {
        while (run_one()) {
        }
    }
    bool posted() const { return posted_; }

private:
    friend class ThreadPool;
    std::size_t n_ = 0;
    TaskFn fn_ = nullptr;
    void* ctx_ = nullptr;
    std::atomic<std::size_t> next_{0};
    bool posted_ = false;  // handed to the pool's workers
};

// `threads` - 1 worker threads are started once; the calling thread is the
// last worker, so threads == 1 means no extra thread at all. Safe to use from
// several threads: a call that finds the workers busy with another call's job
// runs its tasks on its own thread instead of waiting. After fork() the child
// has no workers and runs everything on the calling thread.
class ThreadPool {
public:
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

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
    std::mutex mu_;  // guards everything below
    std::condition_variable wake_, finished_;
    PoolJob* job_ = nullptr;      // the job workers may join, if any
    std::size_t generation_ = 0;  // bumped for every posted job
    std::size_t active_ = 0;      // workers inside a job
    bool stop_ = false;
};

}  // namespace bytetrack
