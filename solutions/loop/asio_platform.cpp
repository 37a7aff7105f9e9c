// asio_platform.cpp: the loop's wait step, run by Asio (lab 07). The kit gives you the
// io_context and its work guard; wait() and wake() are yours.
#include "asio_platform.hpp"

#include <chrono>

#include <asio/post.hpp>

#include "not_implemented.hpp"

namespace looplab {

AsioPlatform::AsioPlatform() = default;

// Members die in reverse order: first the work guard lets go, then the io_context destroys
// the handlers still pending (each may hold a looplab future: the loop must still exist, or
// the futures notice it is gone).
AsioPlatform::~AsioPlatform() = default;

TimePoint AsioPlatform::now() const {
    return std::chrono::time_point_cast<Duration>(Clock::now());
}

void AsioPlatform::wait(std::optional<Duration> timeout) {
    // TODO(lab 07) AsioPlatform::wait: restart a stopped io_context; run it for at most `timeout` (no deadline: until one handler has run); then poll() the ready handlers, in every case. See TUTORIAL.md#lab-07-natively-async-libraries-asio
    if (context_.stopped()) context_.restart();  // someone called stop(): the loop still needs it
    if (!timeout) {
        context_.run_one();                       // sleeps in epoll until a handler is ready
    } else if (*timeout > Duration::zero()) {
        context_.run_one_for(*timeout);           // ... or until the timeout has passed
    }
    context_.poll();  // everything else that is ready now, without sleeping again
    // END TODO(lab 07)
}

void AsioPlatform::wake() {
    // TODO(lab 07) AsioPlatform::wake: post an empty handler to the io_context, so the wait ends (thread-safe). See TUTORIAL.md#lab-07-natively-async-libraries-asio
    asio::post(context_, [] {});
    // END TODO(lab 07)
}

}  // namespace looplab
