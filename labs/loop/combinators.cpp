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
    throw looplab::not_implemented{"lab 08: GatherWaiter::watch_children"};
    // END TODO(lab 08)
}

void GatherWaiter::child_done(FutureCore& child) {
    // TODO(lab 08) GatherWaiter::child_done: count the child; if the gather is already done, only mark its exception retrieved; without return_exceptions its failure or cancel settles the gather at once; after the last child, finish (CancelledError if a cancel was asked for). See TUTORIAL.md#lab-08-combinators-and-cancellation
    throw looplab::not_implemented{"lab 08: GatherWaiter::child_done"};
    // END TODO(lab 08)
}

bool GatherWaiter::cancel_children(std::string message) {
    // TODO(lab 08) GatherWaiter::cancel_children: false once the gather is done; otherwise cancel every child; if any accepted, remember the request and its message. See TUTORIAL.md#lab-08-combinators-and-cancellation
    throw looplab::not_implemented{"lab 08: GatherWaiter::cancel_children"};
    // END TODO(lab 08)
}

Task<void> cancel_and_wait(std::shared_ptr<FutureCore> inner, std::string message) {
    // TODO(lab 08) detail::cancel_and_wait: add a done callback on inner that completes a waiter future, cancel inner, await the waiter, and always remove the callback. See TUTORIAL.md#lab-08-combinators-and-cancellation
    throw looplab::not_implemented{"lab 08: detail::cancel_and_wait"};
    // END TODO(lab 08)
}

}  // namespace detail
}  // namespace looplab
