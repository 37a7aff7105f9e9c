// asio_test_helpers.hpp: helpers lab 07's tests share; the helpers every lab's tests share are in
// labs/common/testing/ (loop_test_helpers.hpp; real_loop_helpers.hpp for run_until_done and
// outcome_of). These tests use a real AsioPlatform (real time, real epoll, real loopback sockets),
// so every wait is bounded: the loop runs under a safety timer that stops it after 2 s, and a test
// that waits with no deadline at all is bounded by the kit's 5 s per-test timeout.
//
// Declaration order matters in the tests: first the platform, then the loop, then the Asio objects
// (timers, acceptors). Destruction runs the other way round, so no Asio object outlives the
// io_context it was built on.
#pragma once

#include <chrono>
#include <string>
#include <system_error>
#include <type_traits>

#include "event_loop.hpp"
#include "future.hpp"
#include "loop_test_helpers.hpp"
#include "real_loop_helpers.hpp"

namespace looplab::testing {

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
