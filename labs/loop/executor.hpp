// executor.hpp: running blocking functions on other threads without blocking the loop (lab 06).
// Python: loop.run_in_executor, concurrent.futures.ThreadPoolExecutor, asyncio.to_thread.
//
//     int rows = co_await loop.run_in_executor(nullptr, [] { return blocking_query(); });
//
// The function runs on a worker thread of the executor; the loop thread goes on running every
// other task meanwhile. When the function returns (or throws), the result is handed back to the
// loop thread with call_soon_threadsafe, which completes the returned future there: futures are
// only ever completed on their loop's thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <asio/post.hpp>
#include <asio/thread_pool.hpp>

#include "future.hpp"
#include "not_implemented.hpp"
#include "task.hpp"
#include "trace.hpp"

namespace looplab {

// A pool of worker threads (asio::thread_pool underneath). Jobs run in the order they were
// submitted, each on whichever worker is free. Thread-safe.
class Executor {
  public:
    explicit Executor(std::size_t workers);
    ~Executor();  // waits for the jobs already submitted
    Executor(const Executor&) = delete;
    Executor& operator=(const Executor&) = delete;

    // Queues `job` for a worker. Throws std::runtime_error("Executor shutdown has been called")
    // after shutdown(). `name` labels the job in the trace: an executor span of that name on
    // the worker's lane, and a "submit" flow from the submitting thread into it.
    void submit(std::function<void()> job, std::string name = "executor job");
    // Refuses new jobs from now on; with `wait`, also waits until every queued job has run.
    void shutdown(bool wait);
    std::size_t workers() const { return workers_; }

  private:
    std::size_t workers_;
    asio::thread_pool pool_;
    std::mutex submit_mutex_;  // submit's check and post, and shutdown's flag: see submit()
    std::atomic<bool> shut_down_{false};
    std::atomic<int> next_worker_{0};  // names the workers executor-0, executor-1, ... in the trace
};

namespace detail {

// The shared fate of one executor job: it may run once, unless the awaiting side cancelled it
// before a worker picked it up.
class ExecutorJob {
  public:
    // Called by the worker: true if the job may run (and now cannot be cancelled any more).
    bool try_start() {
        State expected = State::queued;
        return state_.compare_exchange_strong(expected, State::running);
    }
    // Called on the loop thread when the awaiting future was cancelled.
    void cancel() {
        State expected = State::queued;
        state_.compare_exchange_strong(expected, State::cancelled);
    }

  private:
    enum class State { queued, running, cancelled };
    std::atomic<State> state_{State::queued};
};

// What a job produced, carried from the worker thread to the loop thread.
template <class R>
struct JobOutcome {
    std::optional<R> value;
    std::exception_ptr error;
};
template <>
struct JobOutcome<void> {
    std::exception_ptr error;
};

// Runs `fn` on the calling (worker) thread and captures what it returned or threw.
template <class R, class F>
JobOutcome<R> run_job(F& fn) {
    JobOutcome<R> outcome;
    try {
        if constexpr (std::is_void_v<R>) {
            fn();
        } else {
            outcome.value.emplace(fn());
        }
    } catch (...) {
        outcome.error = std::current_exception();
    }
    return outcome;
}

// On the loop thread: completes `future` from the outcome, unless it was cancelled meanwhile
// (then the late result is dropped, without error).
template <class R>
void deliver(Future<R>& future, JobOutcome<R>& outcome) {
    if (future.done()) return;
    if (outcome.error) {
        future.set_exception(outcome.error);
    } else if constexpr (std::is_void_v<R>) {
        future.set_result();
    } else {
        future.set_result(std::move(*outcome.value));
    }
}

}  // namespace detail

// Runs fn() on `executor`'s threads (nullptr: the loop's default executor) and returns a future
// of its result, completed on the loop thread. Cancelling the future before a worker has started
// the job means the job never runs. Throws std::runtime_error on a closed loop, or after the
// default executor was shut down.
template <class F>
Future<std::invoke_result_t<F&>> EventLoop::run_in_executor(Executor* executor, F fn) {
    // TODO(lab 06) EventLoop::run_in_executor: submit a job that runs fn on a worker and hands the outcome back with call_soon_threadsafe; cancelling the future cancels a job that has not started. See TUTORIAL.md#lab-06-run_in_executor
    throw looplab::not_implemented{"lab 06: EventLoop::run_in_executor"};
    // END TODO(lab 06)
}

// asyncio.to_thread: fn() on the running loop's default executor.
template <class F>
Future<std::invoke_result_t<F&>> to_thread(F fn) {
    // TODO(lab 06) looplab::to_thread: run fn in the running loop's default executor. See TUTORIAL.md#lab-06-run_in_executor
    throw looplab::not_implemented{"lab 06: looplab::to_thread"};
    // END TODO(lab 06)
}

}  // namespace looplab
