// event_loop.cpp: the loop's scheduling core. Lines outside the TODO regions are the kit's
// (construction, tracing, error reporting); the regions are yours.
#include "event_loop.hpp"

#include <iostream>
#include <stdexcept>
#include <utility>

#include "not_implemented.hpp"
#include "scope_exit.hpp"
#include "trace.hpp"

namespace looplab {

EventLoop::EventLoop()
    : owned_platform_(std::make_unique<RealPlatform>()), platform_(*owned_platform_) {}

EventLoop::EventLoop(Platform& platform) : platform_(platform) {}

EventLoop::~EventLoop() = default;

TimePoint EventLoop::time() const {
    return platform_.now();
}

// Wraps a callback in a Handle and records where it was scheduled from, for the trace.
Handle EventLoop::make_handle(std::function<void()> callback, std::string name) {
    auto state = std::make_shared<Handle::State>();
    state->callback = std::move(callback);
    state->name = std::move(name);
    state->trace_flow = LOOPLAB_TRACE_START_FLOW("call_soon");
    return Handle(std::move(state));
}

Handle EventLoop::call_soon(std::function<void()> callback, std::string name) {
    // TODO(lab 01) EventLoop::call_soon: refuse on a closed loop, then append a new handle to the ready queue. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    check_closed();
    Handle handle = make_handle(std::move(callback), std::move(name));
    ready_.push_back(handle);
    return handle;
    // END TODO(lab 01)
}

void EventLoop::check_closed() const {
    // TODO(lab 01) EventLoop::check_closed: throw std::runtime_error("Event loop is closed") once close() has run. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    if (closed_) throw std::runtime_error("Event loop is closed");
    // END TODO(lab 01)
}

void EventLoop::run_forever() {
    LOOPLAB_TRACE_EVENT(set_thread_name("loop"));
    // TODO(lab 01) EventLoop::run_forever: check the loop may run, then run iterations until stop(); always leave it stopped and not running. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    check_closed();
    if (running_) throw std::runtime_error("This event loop is already running");
    running_ = true;
    // Python's try/finally: reset the flags however we leave, even if an iteration throws.
    ScopeExit reset([this] {
        stopping_ = false;
        running_ = false;
    });
    while (true) {
        run_once();
        if (stopping_) break;  // checked after the iteration: stop() before run gives exactly one
    }
    // END TODO(lab 01)
}

// How long the wait step may block: not at all when there is work or a stop is pending.
std::optional<Duration> EventLoop::wait_timeout() const {
    // TODO(lab 01) EventLoop::wait_timeout: zero when callbacks are ready or the loop is stopping; otherwise std::nullopt (sleep until woken). See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    if (!ready_.empty() || stopping_) return Duration::zero();
    return std::nullopt;
    // END TODO(lab 01)
}

// The wait step: the only place the loop thread sleeps. A zero timeout just polls.
void EventLoop::wait_for_events(std::optional<Duration> timeout) {
    if (timeout && *timeout <= Duration::zero()) {
        platform_.wait(Duration::zero());  // nothing worth drawing in the trace
        return;
    }
    LOOPLAB_TRACE_SPAN(span, trace::Category::wait, "wait");
    platform_.wait(timeout);
}

void EventLoop::run_once() {
    LOOPLAB_TRACE_SPAN(span, trace::Category::iteration, "run_once");
    LOOPLAB_TRACE_EVENT(counter("ready queue", "length", static_cast<std::int64_t>(ready_.size())));
    // TODO(lab 01) EventLoop::run_once: wait for events, then run the callbacks that were ready when the iteration began, skipping cancelled ones. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    wait_for_events(wait_timeout());
    // Only the callbacks queued before this point run now: what they schedule waits for the
    // next iteration, so a callback that keeps rescheduling itself cannot starve the wait step.
    std::size_t ntodo = ready_.size();
    for (std::size_t i = 0; i < ntodo; ++i) {
        Handle handle = std::move(ready_.front());
        ready_.pop_front();
        if (!handle.cancelled()) run_handle(handle);
    }
    // END TODO(lab 01)
}

void EventLoop::run_handle(const Handle& handle) {
    LOOPLAB_TRACE_SPAN(span, trace::Category::callback, handle.name());
    LOOPLAB_TRACE_EVENT(flow_end(handle.state_->trace_flow, "call_soon"));
    // TODO(lab 01) EventLoop::run_handle: call the callback; an exception it throws goes to call_exception_handler and the loop carries on. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    // Move the callback out first: it may cancel its own handle, which drops the stored callback,
    // and a lambda must not be destroyed while it runs. It also frees the captures once it has run.
    auto callback = std::move(handle.state_->callback);
    try {
        callback();
    } catch (...) {
        call_exception_handler({"Exception in callback " + handle.name(), std::current_exception(), handle});
    }
    // END TODO(lab 01)
}

void EventLoop::stop() {
    // TODO(lab 01) EventLoop::stop: ask run_forever to return once the current iteration is done. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    stopping_ = true;
    // END TODO(lab 01)
}

void EventLoop::close() {
    // TODO(lab 01) EventLoop::close: refuse while running; otherwise mark the loop closed (once) and drop the ready queue. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    if (running_) throw std::runtime_error("Cannot close a running event loop");
    if (closed_) return;
    closed_ = true;
    ready_.clear();  // the callbacks will never run: free what they captured now
    // END TODO(lab 01)
}

bool EventLoop::is_running() const {
    // TODO(lab 01) EventLoop::is_running: true between the start and the end of run_forever. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    return running_;
    // END TODO(lab 01)
}

bool EventLoop::is_closed() const {
    // TODO(lab 01) EventLoop::is_closed: true once close() has run. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    return closed_;
    // END TODO(lab 01)
}

void EventLoop::set_exception_handler(ExceptionHandler handler) {
    // TODO(lab 01) EventLoop::set_exception_handler: remember the handler (an empty one means: use the default). See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    exception_handler_ = std::move(handler);
    // END TODO(lab 01)
}

void EventLoop::call_exception_handler(const ExceptionContext& context) {
    // TODO(lab 01) EventLoop::call_exception_handler: give the context to the custom handler, or the default one; if the custom handler throws, report that through the default handler. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    if (!exception_handler_) {
        default_exception_handler(context);
        return;
    }
    try {
        exception_handler_(*this, context);
    } catch (...) {
        // A broken handler must not take the loop down: report it, and the original problem.
        default_exception_handler({"Unhandled error in exception handler (while handling: " + context.message + ")",
                                   std::current_exception(), context.handle});
    }
    // END TODO(lab 01)
}

// Writes "looplab: <message>" and, when there is one, the exception's what() to std::cerr.
void EventLoop::default_exception_handler(const ExceptionContext& context) const {
    std::cerr << "looplab: " << context.message << '\n';
    if (!context.exception) return;
    try {
        std::rethrow_exception(context.exception);
    } catch (const std::exception& error) {
        std::cerr << "  exception: " << error.what() << '\n';
    } catch (...) {
        std::cerr << "  exception: (not a std::exception)\n";
    }
}

}  // namespace looplab
