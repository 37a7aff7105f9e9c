// handle.cpp: cancelling a scheduled callback.
#include "handle.hpp"

#include "event_loop.hpp"
#include "not_implemented.hpp"

namespace looplab {

void Handle::cancel() {
    const bool first_cancel = state_ && !state_->cancelled;
    // TODO(lab 01) Handle::cancel: mark the handle cancelled and drop its callback. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    throw looplab::not_implemented{"lab 01: Handle::cancel"};
    // END TODO(lab 01)
    // Lab 02: a timer still in its loop's heap tells the loop, which counts them to know when
    // cleaning the heap is worth it. (A timer that left the heap has nothing to tell.)
    if (first_cancel && state_->cancelled && state_->in_heap && state_->timer_loop) {
        state_->timer_loop->timer_cancelled(*this);
    }
}

bool Handle::cancelled() const {
    return state_ && state_->cancelled;
}

const std::string& Handle::name() const {
    static const std::string nameless = "(empty handle)";
    return state_ ? state_->name : nameless;
}

}  // namespace looplab
