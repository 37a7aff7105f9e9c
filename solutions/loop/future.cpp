// future.cpp: the life of a future, whatever its value type: pending, then done exactly once,
// and the done callbacks the loop runs afterwards.
#include "future.hpp"

#include <algorithm>
#include <iostream>

#include "trace.hpp"

namespace looplab::detail {

FutureCore::FutureCore(EventLoop& loop, std::string name)
    : loop_(&loop), loop_alive_(loop.lifetime()), name_(std::move(name)) {}

FutureCore::~FutureCore() {
    report_unretrieved();
}

// Throws InvalidStateError unless the future is still pending; `operation` names the caller.
void FutureCore::check_pending(const char* operation) const {
    // TODO(lab 03) FutureCore::check_pending: throw InvalidStateError("<operation>: the future is already done") unless the future is pending. See TUTORIAL.md#lab-03-futures
    if (status_ != Status::pending) {
        throw InvalidStateError(std::string(operation) + ": the future is already done");
    }
    // END TODO(lab 03)
}

// Marks a pending future finished (its value, if any, is already stored) and schedules its callbacks.
void FutureCore::finish() {
    // TODO(lab 03) FutureCore::finish: mark the future finished and schedule its done callbacks. See TUTORIAL.md#lab-03-futures
    status_ = Status::finished;
    schedule_callbacks();
    // END TODO(lab 03)
}

void FutureCore::finish_with_exception(std::exception_ptr error) {
    // TODO(lab 03) FutureCore::finish_with_exception: refuse unless pending; store the exception (nobody has retrieved it yet) and finish. See TUTORIAL.md#lab-03-futures
    check_pending("set_exception");
    exception_ = std::move(error);
    exception_retrieved_ = false;
    finish();
    // END TODO(lab 03)
}

bool FutureCore::cancel(std::string message) {
    // TODO(lab 03) FutureCore::cancel: cancelling counts as looking at the exception; false if already done; otherwise remember the message, mark it cancelled, schedule the callbacks, return true. See TUTORIAL.md#lab-03-futures
    exception_retrieved_ = true;  // whoever cancels has given up on the result, exception or not
    if (status_ != Status::pending) return false;
    cancel_message_ = std::move(message);
    status_ = Status::cancelled;
    schedule_callbacks();
    return true;
    // END TODO(lab 03)
}

// For result(): throws unless the future finished with a value.
void FutureCore::check_result() {
    // TODO(lab 03) FutureCore::check_result: cancelled -> CancelledError; pending -> InvalidStateError("Result is not ready."); a stored exception counts as retrieved and is rethrown. See TUTORIAL.md#lab-03-futures
    if (status_ == Status::cancelled) throw CancelledError(cancel_message_.empty() ? "cancelled" : cancel_message_);
    if (status_ == Status::pending) throw InvalidStateError("Result is not ready.");
    exception_retrieved_ = true;
    if (exception_) std::rethrow_exception(exception_);
    // END TODO(lab 03)
}

std::exception_ptr FutureCore::exception() {
    // TODO(lab 03) FutureCore::exception: cancelled -> CancelledError; pending -> InvalidStateError("Exception is not set."); otherwise the exception (null if none), now retrieved. See TUTORIAL.md#lab-03-futures
    if (status_ == Status::cancelled) throw CancelledError(cancel_message_.empty() ? "cancelled" : cancel_message_);
    if (status_ == Status::pending) throw InvalidStateError("Exception is not set.");
    exception_retrieved_ = true;
    return exception_;
    // END TODO(lab 03)
}

CallbackId FutureCore::add_done_callback(std::function<void(FutureCore&)> callback, std::string name) {
    if (name.empty()) name = name_ + " done callback";
    // TODO(lab 03) FutureCore::add_done_callback: give the callback an id; if the future is done, schedule it now with call_soon, otherwise keep it for later. See TUTORIAL.md#lab-03-futures
    CallbackId id = next_callback_id_++;
    if (done()) {
        // Never inline, even now: a callback must not run inside the code that added it.
        loop_->call_soon([self = shared_from_this(), callback = std::move(callback)] { callback(*self); },
                         std::move(name));
    } else {
        callbacks_.push_back({id, std::move(callback), std::move(name)});
    }
    return id;
    // END TODO(lab 03)
}

std::size_t FutureCore::remove_done_callback(CallbackId id) {
    // TODO(lab 03) FutureCore::remove_done_callback: remove the callback with that id, if it is still waiting; return how many were removed. See TUTORIAL.md#lab-03-futures
    auto removed = std::erase_if(callbacks_, [id](const DoneCallback& entry) { return entry.id == id; });
    return removed;
    // END TODO(lab 03)
}

// Hands every waiting callback to the loop, in the order they were added. Each scheduled
// callback holds the future (shared_from_this), so it can run after everyone else let go.
void FutureCore::schedule_callbacks() {
    LOOPLAB_TRACE_EVENT(instant(trace::Category::future, "done", name_));
    // TODO(lab 03) FutureCore::schedule_callbacks: call_soon each waiting callback, in order, with this future; then forget them. See TUTORIAL.md#lab-03-futures
    auto callbacks = std::move(callbacks_);
    callbacks_.clear();
    for (DoneCallback& callback : callbacks) {
        loop_->call_soon([self = shared_from_this(), run = std::move(callback.run)] { run(*self); },
                         std::move(callback.name));
    }
    // END TODO(lab 03)
}

// Called as the future dies: an exception that nobody ever looked at would otherwise vanish.
void FutureCore::report_unretrieved() const {
    if (loop_alive_.expired()) {
        // The loop died first: there is no exception handler left to tell.
        if (exception_ && !exception_retrieved_) {
            std::cerr << "looplab: Future exception was never retrieved: " << name_ << '\n';
        }
        return;
    }
    // TODO(lab 03) report_unretrieved: if the future holds an exception that nobody retrieved, report it through the loop's exception handler ("Future exception was never retrieved"). See TUTORIAL.md#lab-03-futures
    if (exception_ && !exception_retrieved_) {
        loop_->call_exception_handler({"Future exception was never retrieved: " + name_, exception_, {}});
    }
    // END TODO(lab 03)
}

}  // namespace looplab::detail
