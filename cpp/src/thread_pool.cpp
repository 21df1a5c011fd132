#include "bytetrack/thread_pool.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace bytetrack {

namespace {

// Workers do not survive fork(): a child process must neither wait for them
// nor join them (Python's multiprocessing forks by default on Linux).
long current_process() {
#ifdef _WIN32
    return 0;
#else
    return static_cast<long>(::getpid());
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) : owner_process_(current_process()) {
    if (threads < 1) throw std::invalid_argument("threads must be >= 1, got " + std::to_string(threads));
    workers_.reserve(static_cast<std::size_t>(threads - 1));
    try {
        for (int k = 1; k < threads; ++k) workers_.emplace_back([this, k] { worker_loop(k); });
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
    if (current_process() != owner_process_) {
        for (auto& w : workers_) w.detach();  // in a forked child: the threads are not ours
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
}

bool ThreadPool::post(PoolJob& job) {
    if (workers_.empty() || current_process() != owner_process_) return false;
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (job_ != nullptr || active_ != 0) return false;  // busy with another call's job
        job_ = &job;
        generation_.fetch_add(1, std::memory_order_release);
    }
    job.posted_ = true;
    wake_.notify_all();
    return true;
}

template <class Done>
void ThreadPool::spin_until(Done done) {
    // Yields every 16 rounds, so that on a busy machine the thread we wait for runs.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicroseconds);
    for (unsigned round = 1; !done(); ++round) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        if (round % 16 == 0) {
            std::this_thread::yield();
            if (std::chrono::steady_clock::now() > until) return;
        }
    }
}

void ThreadPool::wait(PoolJob& job) {
    job.run_all();
    if (!job.posted_) return;
    // Close the job to workers that have not started on it (under load a worker
    // may not even have been scheduled yet: nobody waits for it), then wait for
    // those that did to let go: spinning first, since a worker is at most one
    // task from done and a sleeping caller wakes up late.
    std::unique_lock<std::mutex> lock(mu_);
    job_ = nullptr;
    lock.unlock();
    spin_until([this] { return active_.load(std::memory_order_acquire) == 0; });
    lock.lock();
    finished_.wait(lock, [this] { return active_.load(std::memory_order_relaxed) == 0; });
    job.posted_ = false;
}

void ThreadPool::worker_loop(int self) {
    std::size_t seen = 0;  // not generation_: a job may be posted before this thread starts
    std::unique_lock<std::mutex> lock(mu_, std::defer_lock);
    for (;;) {
        // Spin first (see kSpinMicroseconds).
        spin_until([&] {
            return generation_.load(std::memory_order_acquire) != seen || stop_.load(std::memory_order_relaxed);
        });
        lock.lock();
        if (job_ == nullptr && generation_.load(std::memory_order_relaxed) != seen) {
            // A job posted and already finished while we spun (a small one): the
            // next is likely close behind, so spin again rather than sleep.
            seen = generation_.load(std::memory_order_relaxed);
            lock.unlock();
            continue;
        }
        wake_.wait(lock, [&] { return stop_ || (job_ != nullptr && generation_ != seen); });
        if (stop_) return;
        seen = generation_.load(std::memory_order_relaxed);
        PoolJob* const job = job_;
        ++active_;
        lock.unlock();
        job->run_all(self);
        lock.lock();
        if (active_.fetch_sub(1, std::memory_order_release) == 1) finished_.notify_all();
        lock.unlock();
    }
}

}  // namespace bytetrack
