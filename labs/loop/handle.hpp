// handle.hpp: a callback the loop has been asked to run, which can still be cancelled.
// Python: the asyncio.Handle that loop.call_soon() returns.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "platform.hpp"

namespace looplab {

class EventLoop;

// A Handle is a shared reference: copies refer to the same scheduled callback, so the caller
// can keep one to cancel() while the loop's ready queue holds another.
class Handle {
  public:
    Handle() = default;  // refers to nothing; only assignment makes it useful

    // Prevents the callback from running, if it has not run yet. Cancelling twice, or after
    // the callback ran, does nothing. Also drops the callback at once, so whatever it
    // captured is freed now rather than when the loop next reaches it.
    void cancel();
    bool cancelled() const;

    const std::string& name() const;  // for error messages and the trace
    explicit operator bool() const { return state_ != nullptr; }

  protected:
    friend class EventLoop;

    struct State {
        // Sets each field once, moving the callback and the name in from make_handle's caller:
        // a State is built for every callback scheduled, and zeroing it first and then assigning
        // (or moving through by-value parameters) would cost extra passes over its 128 bytes.
        State(std::function<void()>&& callback, std::string&& name, std::uint64_t trace_flow, const char* trace_flow_name)
            : callback(std::move(callback)),
              name(std::move(name)),
              trace_flow(trace_flow),
              trace_flow_name(trace_flow_name) {}

        std::function<void()> callback;
        std::string name;
        bool cancelled = false;
        std::uint64_t trace_flow = 0;  // links call_soon to the run in the trace (0: not traced)
        const char* trace_flow_name = "call_soon";

        // Timers only (lab 02).
        TimePoint when{};               // the deadline (the heap keeps a copy beside the handle)
        bool in_heap = false;           // still in the loop's timer heap (asyncio: _scheduled)
        EventLoop* timer_loop = nullptr;  // told when a timer in its heap is cancelled
    };

    explicit Handle(std::shared_ptr<State> state) : state_(std::move(state)) {}

    std::shared_ptr<State> state_;
};

// A Handle with a deadline: what call_later and call_at return (asyncio.TimerHandle).
// Cancelling it works like cancelling a Handle; the loop drops it from its heap lazily.
class TimerHandle : public Handle {
  public:
    TimerHandle() = default;
    TimePoint when() const { return state_->when; }

  private:
    friend class EventLoop;
    explicit TimerHandle(std::shared_ptr<State> state) : Handle(std::move(state)) {}
};

}  // namespace looplab
