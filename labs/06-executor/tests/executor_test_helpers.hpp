// executor_test_helpers.hpp: helpers lab 06's tests share; the helpers every lab's tests share are in
// labs/common/testing/loop_test_helpers.hpp. These tests use a real loop (`looplab::EventLoop loop;`) and real
// worker threads, so every wait for another thread is bounded by safety_limit: the loop runs under a safety timer
// that stops it after 2 s, and jobs give up waiting after 2 s, so a broken loop fails the test instead of hanging it.
//
// Declaration order matters in the tests: first what the jobs use, then the loop, then executors of the test's own,
// then gates. Destruction runs the other way round: the gates open, the executors finish their jobs, the loop goes
// (its destructor waits for the default executor's jobs), and only then what the jobs used.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <string>
#include <type_traits>

#include "event_loop.hpp"
#include "future.hpp"
#include "loop_test_helpers.hpp"

namespace looplab::testing {

// How long any test waits for the loop or for another thread before it gives up: 2 s.
inline constexpr Duration safety_limit = std::chrono::seconds(2);

// Runs the loop until `future` is done, or until the safety timer stops it. Returns whether the future is done.
template <class T>
bool run_until_done(EventLoop& loop, Future<T> future) {
    TimerHandle safety = loop.call_later(safety_limit, [&loop] { loop.stop(); }, "safety timer");
    const CallbackId stopper = future.add_done_callback([&loop](Future<T>&) { loop.stop(); });
    loop.run_forever();
    safety.cancel();
    future.remove_done_callback(stopper);
    return future.done();
}

// Runs the loop until something stops it, or the safety timer does. Returns true if it was the safety timer.
inline bool run_with_safety_timer(EventLoop& loop) {
    bool fired = false;
    TimerHandle safety = loop.call_later(safety_limit, [&loop, &fired] {
        fired = true;
        loop.stop();
    }, "safety timer");
    loop.run_forever();
    safety.cancel();
    return fired;
}

// How a future ended, in words: "still pending", "cancelled", "failed: <what()>", "finished", "finished with 42".
template <class T>
std::string outcome_of(const Future<T>& future) {
    if (!future.done()) return "still pending";
    if (future.cancelled()) return "cancelled";
    if (std::exception_ptr error = future.exception()) return "failed: " + what_of(error);
    if constexpr (std::is_void_v<T>) {
        return "finished";
    } else if constexpr (std::is_same_v<T, std::string>) {
        return "finished with \"" + future.result() + "\"";
    } else if constexpr (std::is_same_v<T, bool>) {
        return future.result() ? "finished with true" : "finished with false";
    } else if constexpr (std::is_arithmetic_v<T>) {
        return "finished with " + std::to_string(future.result());
    } else {
        return "finished";
    }
}

// Something that happens once on one thread and that another thread waits for, boundedly.
class Signal {
  public:
    void notify() {
        if (!notified_.exchange(true)) promise_.set_value();
    }
    // True once notify() was called; false if that did not happen within 2 s.
    bool wait() const { return happened_.wait_for(safety_limit) == std::future_status::ready; }

  private:
    std::promise<void> promise_;
    std::shared_future<void> happened_ = promise_.get_future().share();
    std::atomic<bool> notified_{false};
};

// A gate that jobs wait at until the test opens it. A job waits through waiter(), a copy of the gate's shared
// future: it returns true once the gate is open, false if that did not happen within 2 s. Destroying the gate opens
// it, so a test that fails early never leaves an executor's or the loop's destructor waiting for a blocked worker.
class Gate {
  public:
    Gate() = default;
    ~Gate() { open(); }
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;

    void open() {
        if (!opened_) promise_.set_value();
        opened_ = true;
    }
    std::function<bool()> waiter() const {
        return [open = open_] { return open.wait_for(safety_limit) == std::future_status::ready; };
    }

  private:
    std::promise<void> promise_;
    std::shared_future<void> open_ = promise_.get_future().share();
    bool opened_ = false;
};

}  // namespace looplab::testing
