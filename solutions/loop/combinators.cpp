// combinators.cpp: the bookkeeping of gather (asyncio's _GatheringFuture and its _done_callback)
// and wait_for's _cancel_and_wait.
#include "combinators.hpp"

namespace looplab {
namespace detail {

std::shared_ptr<GatherWaiter> GatherWaiter::start(EventLoop& loop, std::vector<std::shared_ptr<FutureCore>> children,
                                                  bool return_exceptions) {
    auto waiter = std::make_shared<GatherWaiter>(loop, std::move(children), return_exceptions);
    waiter->watch_children();
    return waiter;
}

void GatherWaiter::watch_children() {
    // TODO(lab 08) GatherWaiter::watch_children: no children -> finish at once (an empty result); otherwise add a done callback to every child that calls child_done. See TUTORIAL.md#lab-08-combinators-and-cancellation
    if (children_.empty()) {
        finish();
        return;
    }
    for (const auto& child : children_) {
        // The callback keeps the waiter alive until every child is done (asyncio: the closure holds outer).
        child->add_done_callback([self = self()](FutureCore& done) { self->child_done(done); }, "gather");
    }
    // END TODO(lab 08)
}

void GatherWaiter::child_done(FutureCore& child) {
    // TODO(lab 08) GatherWaiter::child_done: count the child; if the gather is already done, only mark its exception retrieved; without return_exceptions its failure or cancel settles the gather at once; after the last child, finish (CancelledError if a cancel was asked for). See TUTORIAL.md#lab-08-combinators-and-cancellation
    ++finished_;
    if (done()) {
        // A later child of a gather that already failed: nobody will read it, so do not let it be
        // reported as "never retrieved" (asyncio calls fut.exception() here).
        if (child.status() == Status::finished) child.exception();
        return;
    }
    if (!return_exceptions_) {
        try {
            child.check_result();  // throws its exception, or CancelledError if it was cancelled
        } catch (...) {
            finish_with_exception(std::current_exception());  // the awaiting task gets it at once
            return;
        }
    }
    if (finished_ < children_.size()) return;
    if (cancel_requested_) {
        // Every child is done, but the gather itself was cancelled: it ends cancelled too.
        finish_with_exception(std::make_exception_ptr(CancelledError(cancel_message_.empty() ? "cancelled" : cancel_message_)));
    } else {
        finish();  // the gather's coroutine reads each child's result (or outcome) in order
    }
    // END TODO(lab 08)
}

bool GatherWaiter::cancel_children(std::string message) {
    // TODO(lab 08) GatherWaiter::cancel_children: false once the gather is done; otherwise cancel every child; if any accepted, remember the request and its message. See TUTORIAL.md#lab-08-combinators-and-cancellation
    if (done()) return false;
    bool accepted = false;
    for (const auto& child : children_) {
        if (child->cancel(message)) accepted = true;  // a task's cancel: it only asks
    }
    if (accepted) {
        cancel_requested_ = true;
        cancel_message_ = std::move(message);
    }
    return accepted;
    // END TODO(lab 08)
}

Task<void> cancel_and_wait(std::shared_ptr<FutureCore> inner, std::string message) {
    // TODO(lab 08) detail::cancel_and_wait: add a done callback on inner that completes a waiter future, cancel inner, await the waiter, and always remove the callback. See TUTORIAL.md#lab-08-combinators-and-cancellation
    Future<void> waiter(inner->loop(), "cancel_and_wait");
    const CallbackId on_done = inner->add_done_callback([waiter](FutureCore&) mutable {
        if (!waiter.done()) waiter.set_result();
    }, "cancel_and_wait");
    ScopeExit remove([&inner, on_done] { inner->remove_done_callback(on_done); });  // Python's finally
    inner->cancel(std::move(message));
    co_await waiter;  // a future of its own: cancelling the awaiting task does not cancel inner again
    // END TODO(lab 08)
}

}  // namespace detail
}  // namespace looplab
