// real_loop_helpers.hpp: running a loop on the real clock in a test, boundedly, and saying how a
// future ended. Shared by the labs whose tests need real threads, sockets or Asio (06, 07, 09):
// every wait is bounded by safety_limit, so a broken loop fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <exception>
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

// Runs the loop until something stops it, or the safety timer does after `limit`. Returns true if
// it was the safety timer.
inline bool run_with_safety_timer(EventLoop& loop, Duration limit = safety_limit) {
    bool fired = false;
    TimerHandle safety = loop.call_later(limit, [&loop, &fired] {
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

}  // namespace looplab::testing
