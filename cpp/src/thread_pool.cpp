#include "bytetrack/thread_pool.hpp"

#include <stdexcept>

namespace bytetrack {

ThreadPool::ThreadPool(int threads) {
    if (threads < 1) throw std::invalid_argument("threads must be >= 1, got " + std::to_string(threads));
    workers_.reserve(static_cast<std::size_t>(threads - 1));
    try {
        for (int k = 1; k < threads; ++k) workers_.emplace_back([this] { worker_loop(); });
    } catch (...) {
        // Could not start a thread: stop the ones that did start, then report.
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
        }
        wake_.notify_all();
        for (auto& w : workers_) w.join();
        throw std::runtime_error("ThreadPool: could not start worker threads");
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
}

void ThreadPool::drain(TaskFn fn, void* ctx, std::size_t n) {
    for (std::size_t i = next_.fetch_add(1, std::memory_order_relaxed); i < n;
         i = next_.fetch_add(1, std::memory_order_relaxed))
        fn(ctx, i);
}

void ThreadPool::run_erased(std::size_t n, TaskFn fn, void* ctx) {
    std::unique_lock<std::mutex> mine(caller_, std::try_to_lock);
    if (!mine.owns_lock() || workers_.empty() || n <= 1) {
        for (std::size_t i = 0; i < n; ++i) fn(ctx, i);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        fn_ = fn;
        ctx_ = ctx;
        n_ = n;
        next_.store(0, std::memory_order_relaxed);
        done_workers_ = 0;
        ++generation_;
    }
    wake_.notify_all();
    drain(fn, ctx, n);
    // Every worker takes part in every job (possibly finding nothing left), so
    // once all have reported none can still touch this job's context.
    std::unique_lock<std::mutex> lock(mu_);
    finished_.wait(lock, [this] { return done_workers_ == workers_.size(); });
}

void ThreadPool::worker_loop() {
    std::unique_lock<std::mutex> lock(mu_);
    std::size_t seen = 0;  // not generation_: a job may be posted before this thread starts
    for (;;) {
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        const TaskFn fn = fn_;
        void* const ctx = ctx_;
        const std::size_t n = n_;
        lock.unlock();
        drain(fn, ctx, n);
        lock.lock();
        if (++done_workers_ == workers_.size()) finished_.notify_one();
    }
}

}  // namespace bytetrack
