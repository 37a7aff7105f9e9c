// handle.cpp: cancelling a scheduled callback.
#include "handle.hpp"

#include "not_implemented.hpp"

namespace looplab {

void Handle::cancel() {
    // TODO(lab 01) Handle::cancel: mark the handle cancelled and drop its callback. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    throw looplab::not_implemented{"lab 01: Handle::cancel"};
    // END TODO(lab 01)
}

bool Handle::cancelled() const {
    return state_ && state_->cancelled;
}

const std::string& Handle::name() const {
    static const std::string nameless = "(empty handle)";
    return state_ ? state_->name : nameless;
}

}  // namespace looplab
