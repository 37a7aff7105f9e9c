// asio_platform.hpp: a Platform whose wait step runs an asio::io_context (lab 07).
// Python: asyncio's loop *is* the selector loop that every asyncio-native library (streams,
// aiohttp, asyncpg) registers its sockets with. looplab's loop does the same through Asio: hand
// it an AsioPlatform, build Asio timers, sockets and resolvers on platform.context(), and their
// completion handlers run on the loop thread, inside the loop's wait step.
//
//     looplab::AsioPlatform platform;
//     looplab::EventLoop loop(platform);               // the platform must outlive the loop
//     asio::steady_timer timer(platform.context(), 10ms);
//     co_await timer.async_wait(looplab::use_task);    // use_task.hpp: Asio -> a looplab future
//
// How it works: where RealPlatform sleeps on a condition variable, AsioPlatform runs the
// io_context, for at most the loop's wait timeout. Asio sleeps in epoll until a socket is ready,
// one of its timers expires, a handler is posted, or the timeout passes; then it runs the
// handlers that are ready, which complete looplab futures (and so schedule done callbacks with
// call_soon). The loop then goes on exactly as before: threadsafe callbacks, due timers, the
// ready queue. wake() posts an empty handler, which ends the run at once, from any thread.
//
// Threading: only the loop thread may call wait(), so only the loop thread runs the io_context.
// Do not call context().run() yourself, and do not run it on other threads: handlers would
// then complete futures off the loop thread.
#pragma once

#include <optional>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include "platform.hpp"

namespace looplab {

class AsioPlatform final : public Platform {
  public:
    AsioPlatform();
    ~AsioPlatform() override;
    AsioPlatform(const AsioPlatform&) = delete;
    AsioPlatform& operator=(const AsioPlatform&) = delete;

    // The steady clock, as RealPlatform's: Asio's steady_timer uses the same clock, so a looplab
    // deadline and an Asio expiry can be compared.
    TimePoint now() const override;

    // Runs the io_context on the calling (loop) thread until one handler has run or `timeout`
    // has passed (std::nullopt: until one handler has run), then runs every other handler that
    // is ready too. A zero timeout only runs the handlers that are ready.
    void wait(std::optional<Duration> timeout) override;

    // Thread-safe: posts an empty handler, so the current or the next wait() returns.
    void wake() override;

    // The io_context to build Asio objects on (timers, sockets, resolvers). Destroy those
    // objects before the platform.
    asio::io_context& context() { return context_; }
    asio::io_context::executor_type get_executor() { return context_.get_executor(); }

  private:
    asio::io_context context_{1};  // concurrency hint 1: only the loop thread runs it
    // Asio's run functions return at once when the io_context has no work (nothing pending,
    // nothing posted), and mark it stopped. The loop's wait step must sleep for its timeout
    // even then (a loop with only its own timers), so this guard counts as work for as long
    // as the platform lives.
    asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(context_);
};

}  // namespace looplab
