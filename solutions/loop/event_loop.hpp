// event_loop.hpp: the event loop students build, one lab at a time.
// Python: asyncio's BaseEventLoop. Lab 01 gives it a ready queue of callbacks.
//
// Threading: an EventLoop belongs to the thread that runs it. Every member function must be
// called on that thread (later labs add the one exception, call_soon_threadsafe).
#pragma once

#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "handle.hpp"
#include "platform.hpp"

namespace looplab {

// What went wrong, handed to the loop's exception handler (asyncio's "context" dict).
struct ExceptionContext {
    std::string message;           // e.g. "Exception in callback tick"
    std::exception_ptr exception;  // may be null
    Handle handle;                 // the callback that failed, when there is one
};

using ExceptionHandler = std::function<void(class EventLoop&, const ExceptionContext&)>;

class EventLoop {
  public:
    EventLoop();                              // real time: a RealPlatform of its own
    explicit EventLoop(Platform& platform);   // tests pass a virtual platform; it must outlive the loop
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // --- Lab 01: callbacks and the ready queue ---------------------------------------------

    // Schedules `callback` to run on the next iteration, after everything already scheduled
    // (FIFO). Returns a Handle that can cancel it. Throws std::runtime_error("Event loop is
    // closed") on a closed loop. `name` labels the callback in error messages and the trace.
    Handle call_soon(std::function<void()> callback, std::string name = "callback");

    // Runs iterations until stop() is called. Throws std::runtime_error if the loop is closed
    // ("Event loop is closed") or already running ("This event loop is already running").
    void run_forever();

    // One iteration: wait for events (not at all if callbacks are ready), then run exactly the
    // callbacks that were ready when the iteration began. Whatever they schedule runs next time.
    void run_once();

    // Asks run_forever to return after the current iteration. Only sets a flag.
    void stop();

    // Drops every scheduled callback; afterwards the loop refuses new work. Idempotent.
    // Throws std::runtime_error("Cannot close a running event loop") while running.
    void close();

    bool is_running() const;
    bool is_closed() const;

    // Replaces the handler for exceptions that escape callbacks; an empty one restores the default.
    void set_exception_handler(ExceptionHandler handler);
    // Hands `context` to the current handler. Never throws: a handler that throws is itself
    // reported ("Unhandled error in exception handler") through the default handler.
    void call_exception_handler(const ExceptionContext& context);
    // The default handler: writes the message and the exception's what() to std::cerr.
    void default_exception_handler(const ExceptionContext& context) const;

    // The loop's clock (asyncio's loop.time()): the platform's monotonic time.
    TimePoint time() const;
    std::size_t ready_count() const { return ready_.size(); }

  private:
    Handle make_handle(std::function<void()> callback, std::string name);
    void check_closed() const;
    std::optional<Duration> wait_timeout() const;
    void wait_for_events(std::optional<Duration> timeout);
    void run_handle(const Handle& handle);

    std::unique_ptr<Platform> owned_platform_;  // set only when the loop made its own
    Platform& platform_;
    std::deque<Handle> ready_;  // the ready queue; given to you because the trace reads its length

    // TODO(lab 01) EventLoop state: what else the loop must remember between calls. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    bool running_ = false;
    bool stopping_ = false;  // stop() was called: finish this iteration, then return
    bool closed_ = false;
    ExceptionHandler exception_handler_;  // empty: use default_exception_handler
    // END TODO(lab 01)
};

}  // namespace looplab
