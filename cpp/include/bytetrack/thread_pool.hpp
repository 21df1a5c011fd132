// A small persistent pool for running independent tasks of one call in parallel.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace bytetrack {

// `threads` - 1 worker threads are started once; the calling thread is the
// last worker, so threads == 1 means no extra thread at all. run() is safe to
// call from several threads: a caller that finds the pool busy with another
// call runs its tasks itself instead of waiting.
class ThreadPool {
public:
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int threads() const { return static_cast<int>(workers_.size()) + 1; }

    // Calls task(i) once for every i in [0, n) and returns when all are done.
    // Tasks must not throw (catch inside the task and report otherwise).
    template <class Task>
    void run(std::size_t n, Task& task) {
        run_erased(n, [](void* ctx, std::size_t i) { (*static_cast<Task*>(ctx))(i); }, &task);
    }

private:
    using TaskFn = void (*)(void*, std::size_t);
    void run_erased(std::size_t n, TaskFn fn, void* ctx);
    void drain(TaskFn fn, void* ctx, std::size_t n);
    void worker_loop();

    std::vector<std::thread> workers_;
    std::mutex caller_;  // held by the call whose job the workers are running

    std::mutex mu_;  // guards everything below
    std::condition_variable wake_, finished_;
    std::size_t generation_ = 0;  // bumped for every job
    std::size_t done_workers_ = 0;
    bool stop_ = false;
    TaskFn fn_ = nullptr;
    void* ctx_ = nullptr;
    std::size_t n_ = 0;
    std::atomic<std::size_t> next_{0};  // next task index to hand out
};

}  // namespace bytetrack
