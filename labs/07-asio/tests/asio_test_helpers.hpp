// asio_test_helpers.hpp: helpers lab 07's tests share; the helpers every lab's tests share are in
// labs/common/testing/loop_test_helpers.hpp. These tests use a real AsioPlatform (real time, real epoll, real
// loopback sockets), so every wait is bounded: the loop runs under a safety timer that stops it after 2 s, and a
// test that waits with no deadline at all is bounded by the kit's 5 s per-test timeout.
//
// Declaration order matters in the tests: first the platform, then the loop, then the Asio objects (timers,
// acceptors). Destruction runs the other way round, so no Asio object outlives the io_context it was built on.
#pragma once

#include <chrono>
#include <string>
#include <system_error>
#include <type_traits>

#include "event_loop.hpp"
#include "future.hpp"
#include "loop_test_helpers.hpp"

namespace looplab::testing {

// How long any test waits for the loop before it gives up: 2 s.
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

// How a future ended, in words: "still pending", "cancelled", "failed: <what()>", "finished", "finished with 42".
template <class T>
std::string outcome_of(const Future<T>& future) {
    if (!future.done()) return "still pending";
    if (future.cancelled()) return "cancelled";
    if (std::exception_ptr error = future.exception()) return "failed: " + what_of(error);
    if constexpr (std::is_same_v<T, std::string>) {
        return "finished with \"" + future.result() + "\"";
    } else if constexpr (std::is_arithmetic_v<T>) {
        return "finished with " + std::to_string(future.result());
    } else {
        return "finished";
    }
}

// The error code of the std::system_error in `error`, or a default error_code if it holds something else.
inline std::error_code system_error_code(const std::exception_ptr& error) {
    try {
        if (error) std::rethrow_exception(error);
    } catch (const std::system_error& system_error) {
        return system_error.code();
    } catch (...) {
    }
    return {};
}

}  // namespace looplab::testing
