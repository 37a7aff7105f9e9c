// executor.cpp: the thread pool, and how other threads hand work to the loop thread.
#include "executor.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace looplab {

Executor::Executor(std::size_t workers) : workers_(workers), pool_(workers) {}

Executor::~Executor() {
    pool_.join();
}

// Traced here, in kit code, so every job shows on its worker's lane whoever wrote the caller
// (run_in_executor is a lab 06 region): the "submit" flow starts inside the span that submitted
// it (a task step on the loop) and ends inside the job's executor span.
void Executor::submit(std::function<void()> job, std::string name) {
    // The check and the post under one lock that shutdown() takes too. Without it a job could pass
    // the check, shutdown(wait=true) join the pool, and the job be posted to a pool with no threads
    // left: accepted, never run, its future never done (solutions/stress found it under TSan).
    std::lock_guard lock(submit_mutex_);
    if (shut_down_.load()) throw std::runtime_error("Executor shutdown has been called");
    const std::uint64_t flow = LOOPLAB_TRACE_START_FLOW("submit");
    asio::post(pool_, [this, job = std::move(job), name = std::move(name), flow] {
        // Name each worker once, for the trace: executor-0, executor-1, ...
        thread_local bool named = false;
        if (!named) {
            trace::set_thread_name(fmt::format("executor-{}", next_worker_.fetch_add(1)));
            named = true;
        }
        LOOPLAB_TRACE_SPAN(span, trace::Category::executor, name);
        LOOPLAB_TRACE_EVENT(flow_end(flow, "submit", span.started()));  // at the span's start, so it binds to it
        job();
    });
}

void Executor::shutdown(bool wait) {
    {
        std::lock_guard lock(submit_mutex_);  // a submit that got in before it is posted already
        shut_down_.store(true);
    }
    if (wait) pool_.join();
}

Handle EventLoop::call_soon_threadsafe(std::function<void()> callback, std::string name) {
    // TODO(lab 06) EventLoop::call_soon_threadsafe: refuse on a closed loop; append a new handle to the thread-safe queue under its mutex; then wake the loop. See TUTORIAL.md#lab-06-run_in_executor
    check_closed();
    Handle handle = make_handle(std::move(callback), std::move(name), "call_soon_threadsafe");
    {
        std::lock_guard lock(threadsafe_mutex_);
        threadsafe_callbacks_.push_back(handle);
        threadsafe_pending_ = true;
    }
    platform_.wake();  // after the push: a loop that wakes up must find the callback
    return handle;
    // END TODO(lab 06)
}

// Right after the wait step: callbacks other threads scheduled join the ready queue, in order.
void EventLoop::take_threadsafe_callbacks() {
    // TODO(lab 06) take_threadsafe_callbacks: under the mutex, move every callback from the thread-safe queue to the end of the ready queue. See TUTORIAL.md#lab-06-run_in_executor
    // Most iterations find nothing: one atomic load instead of a lock. A callback queued right
    // after this load is not lost: its wake() ends the next wait, and that iteration takes it.
    if (!threadsafe_pending_.load()) return;
    std::vector<Handle> arrived;
    {
        std::lock_guard lock(threadsafe_mutex_);
        arrived.swap(threadsafe_callbacks_);  // hold the lock briefly: other threads wait for it
        threadsafe_pending_ = false;
    }
    for (Handle& handle : arrived) ready_.push_back(std::move(handle));
    // END TODO(lab 06)
}

Executor& EventLoop::default_executor() {
    // TODO(lab 06) EventLoop::default_executor: refuse after shutdown; otherwise make the executor on first use, with asyncio's min(32, cores + 4) workers. See TUTORIAL.md#lab-06-run_in_executor
    if (default_executor_shut_down_) throw std::runtime_error("Executor shutdown has been called");
    if (!default_executor_) {
        std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
        default_executor_ = std::make_unique<Executor>(std::min<std::size_t>(32, cores + 4));
    }
    return *default_executor_;
    // END TODO(lab 06)
}

void EventLoop::shutdown_default_executor() {
    // TODO(lab 06) EventLoop::shutdown_default_executor: wait for the default executor's jobs and stop it; refuse new jobs from now on. See TUTORIAL.md#lab-06-run_in_executor
    default_executor_shut_down_ = true;
    if (default_executor_) default_executor_->shutdown(/*wait=*/true);
    // END TODO(lab 06)
}

}  // namespace looplab
