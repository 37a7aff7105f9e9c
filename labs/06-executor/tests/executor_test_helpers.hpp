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
#include "real_loop_helpers.hpp"

namespace looplab::testing {

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
