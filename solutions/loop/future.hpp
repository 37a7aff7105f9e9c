// future.hpp: a result that is not there yet (lab 03). Python: asyncio.Future.
//
// A Future<T> is a shared handle, like Handle: copies refer to the same result. It starts
// pending and ends exactly once, either finished (with a value or an exception) or cancelled.
// Code that needs the result does not block for it: it adds a done callback, which the loop
// runs (always through call_soon, never inline) once the future is done. Lab 04's tasks are
// futures whose result a coroutine produces.
//
// Threading: a future belongs to its loop's thread; complete it only there (lab 06 shows how
// another thread hands a result to the loop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "event_loop.hpp"
#include "not_implemented.hpp"

namespace looplab {

// The result of an operation that was cancelled (asyncio.CancelledError).
class CancelledError : public std::runtime_error {
  public:
    explicit CancelledError(const std::string& message = "cancelled") : std::runtime_error(message) {}
};

// An operation was asked of a future in the wrong state (asyncio.InvalidStateError).
class InvalidStateError : public std::logic_error {
  public:
    explicit InvalidStateError(const std::string& message) : std::logic_error(message) {}
};

// Identifies one done callback, so it can be removed again. (Python compares the functions
// themselves; C++ lambdas cannot be compared, so add_done_callback hands out an id instead.)
using CallbackId = std::uint64_t;

template <class T>
class Future;

namespace detail {

// The part of every Future<T> that does not depend on T: its state, its exception, its done
// callbacks. Held by shared_ptr; a scheduled done callback keeps it alive until it has run.
class FutureCore : public std::enable_shared_from_this<FutureCore> {
  public:
    enum class Status { pending, cancelled, finished };

    FutureCore(EventLoop& loop, std::string name);
    virtual ~FutureCore();
    FutureCore(const FutureCore&) = delete;
    FutureCore& operator=(const FutureCore&) = delete;

    EventLoop& loop() const { return *loop_; }
    const std::string& name() const { return name_; }
    void rename(std::string name) { name_ = std::move(name); }
    // Cancelling counts as looking at the exception, even when it is too late to cancel (lab 04).
    void mark_exception_retrieved() { exception_retrieved_ = true; }
    Status status() const { return status_; }
    bool done() const { return status_ != Status::pending; }

    // The type-independent half of Future<T>'s operations; see Future<T> for their contracts.
    void check_pending(const char* operation) const;
    void finish_with_exception(std::exception_ptr error);
    void finish();
    virtual bool cancel(std::string message);  // a task overrides it (lab 04)
    void check_result();
    std::exception_ptr exception();
    // `name` labels the scheduled callback in error messages and the trace; empty: "<future> done callback".
    CallbackId add_done_callback(std::function<void(FutureCore&)> callback, std::string name = "");
    std::size_t remove_done_callback(CallbackId id);

  private:
    void schedule_callbacks();
    void report_unretrieved() const;

    EventLoop* loop_;
    std::weak_ptr<const void> loop_alive_;  // expires when the loop is destroyed
    std::string name_;

    Status status_ = Status::pending;
    std::exception_ptr exception_;
    bool exception_retrieved_ = false;  // asyncio logs an exception nobody retrieved
    std::string cancel_message_;
    struct DoneCallback {
        CallbackId id;
        std::function<void(FutureCore&)> run;
        std::string name;  // what call_soon will call it
    };
    std::vector<DoneCallback> callbacks_;
    CallbackId next_callback_id_ = 1;
};

// Where a future's value lives: nowhere for Future<void>.
template <class T>
struct FutureValue {
    std::optional<T> value;
};
template <>
struct FutureValue<void> {};

template <class T>
struct FutureState : FutureCore, FutureValue<T> {
    using FutureCore::FutureCore;
};

// Lets the kit's awaiters (task.hpp) reach the shared state behind a Future<T>.
struct FutureAccess {
    template <class T>
    static std::shared_ptr<FutureCore> core(const Future<T>& future) {
        return future.state_;
    }
};

}  // namespace detail

template <class T>
class Future {
  public:
    // A new pending future of `loop`. It starts nothing: someone must later complete it.
    explicit Future(EventLoop& loop, std::string name = "future")
        : state_(std::make_shared<detail::FutureState<T>>(loop, std::move(name))) {}

    bool done() const { return state_->done(); }
    bool cancelled() const { return state_->status() == detail::FutureCore::Status::cancelled; }
    EventLoop& get_loop() const { return state_->loop(); }
    const std::string& name() const { return state_->name(); }

    // The value, once finished. Throws CancelledError if cancelled, InvalidStateError("Result is
    // not ready.") while pending, and rethrows the stored exception if one was set.
    decltype(auto) result() const {
        state_->check_result();
        if constexpr (!std::is_void_v<T>) return static_cast<const T&>(*state_->value);
    }

    // The stored exception (null if finished with a value). Throws CancelledError if cancelled,
    // InvalidStateError("Exception is not set.") while pending.
    std::exception_ptr exception() const { return state_->exception(); }

    // Finishes the future with a value and schedules its done callbacks. Throws
    // InvalidStateError if it is already done.
    template <class U = T>
        requires(!std::is_void_v<T> && std::is_convertible_v<U, T>)
    void set_result(U&& value) {
        state_->check_pending("set_result");
        state_->value.emplace(std::forward<U>(value));
        state_->finish();
    }
    void set_result()
        requires std::is_void_v<T>
    {
        state_->check_pending("set_result");
        state_->finish();
    }

    // Finishes the future with an exception; same rules as set_result.
    void set_exception(std::exception_ptr error) { state_->finish_with_exception(std::move(error)); }

    // Cancels a pending future and schedules its done callbacks; false if it was already done.
    bool cancel(std::string message = "") { return state_->cancel(std::move(message)); }

    // Runs `callback(future)` through the loop's call_soon once the future is done: soon, if it
    // already is. Callbacks run in the order they were added.
    CallbackId add_done_callback(std::function<void(Future&)> callback) {
        return state_->add_done_callback([callback = std::move(callback)](detail::FutureCore& core) {
            Future future(std::static_pointer_cast<detail::FutureState<T>>(core.shared_from_this()));
            callback(future);
        });
    }

    // Removes a callback that has not been scheduled yet; returns how many were removed (0 or 1).
    std::size_t remove_done_callback(CallbackId id) { return state_->remove_done_callback(id); }

  protected:
    friend struct detail::FutureAccess;
    explicit Future(std::shared_ptr<detail::FutureState<T>> state) : state_(std::move(state)) {}

    std::shared_ptr<detail::FutureState<T>> state_;
};

// Runs the loop until `future` is done, then returns a copy of its result (or rethrows its
// exception).
// Throws std::runtime_error if the loop stops first ("Event loop stopped before Future
// completed."), and std::invalid_argument for a future of another loop. Afterwards the loop
// can run again: the done callback that stops it is always removed.
template <class T>
T run_until_complete(EventLoop& loop, Future<T> future) {
    // TODO(lab 03) looplab::run_until_complete: refuse a future of another loop; add a done callback that stops the loop; run it; always remove that callback; then return the result. See TUTORIAL.md#lab-03-futures
    if (&future.get_loop() != &loop) {
        throw std::invalid_argument("The future belongs to a different loop than the one it was run on");
    }
    CallbackId stopper = future.add_done_callback([&loop](Future<T>&) { loop.stop(); });
    try {
        loop.run_forever();
    } catch (...) {
        future.remove_done_callback(stopper);  // Python's finally: the loop must stay reusable
        throw;
    }
    future.remove_done_callback(stopper);
    if (!future.done()) throw std::runtime_error("Event loop stopped before Future completed.");
    return future.result();
    // END TODO(lab 03)
}

}  // namespace looplab
