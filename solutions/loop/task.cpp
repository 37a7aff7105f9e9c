// task.cpp: how the loop drives a coroutine, one step at a time (asyncio's Task.__step),
// how a task is cancelled, and asyncio.sleep.
#include "task.hpp"

#include <atomic>
#include <stdexcept>

#include <fmt/format.h>

#include "trace.hpp"

namespace looplab {
namespace detail {

std::string next_task_name() {
    static std::atomic<std::uint64_t> counter{0};
    return fmt::format("Task-{}", ++counter);
}

TaskCore::~TaskCore() {
    if (coroutine_) coroutine_.destroy();  // a suspended frame's locals are destroyed too
}

void TaskCore::abandon() {
    waiting_on_ = nullptr;
    if (coroutine_) std::exchange(coroutine_, nullptr).destroy();  // ~TaskCore must not destroy it again
    resume_point_ = transfer_ = nullptr;
}

std::shared_ptr<TaskCore> TaskCore::self() {
    // Shares ownership with the task's state: TaskCore and FutureCore are one object.
    return std::shared_ptr<TaskCore>(future_.shared_from_this(), this);
}

void TaskCore::schedule_step() {
    if (trace_id_ == 0) {
        trace_id_ = trace::new_id();
        LOOPLAB_TRACE_EVENT(async_begin(trace::Category::task, trace_id_, future_.name()));
    }
    future_.loop().call_soon([self = self()] { self->step(); }, future_.name());
}

void TaskCore::ended() {
    if (trace_id_ != 0) LOOPLAB_TRACE_EVENT(async_end(trace::Category::task, trace_id_, future_.name()));
}

void TaskCore::suspend_on(std::shared_ptr<FutureCore> awaited, std::coroutine_handle<> resume_at) {
    waiting_on_ = std::move(awaited);
    resume_point_ = resume_at;
}

void TaskCore::suspend_for_one_iteration(std::coroutine_handle<> resume_at) {
    yielded_ = true;
    resume_point_ = resume_at;
}

void TaskCore::throw_if_cancel_requested() {
    if (!cancel_at_resume_) return;
    cancel_at_resume_ = false;
    throw CancelledError(cancel_message_.empty() ? "cancelled" : cancel_message_);
}

// Resumes the innermost suspended coroutine, then each coroutine it transfers control to, until
// one suspends on a future or a yield, or the task's own coroutine ends. Symmetric transfer
// (await_suspend returning the next handle) is the usual way; GCC does not make it a tail call
// at -O0, so a long chain of awaits would overflow the stack. This loop, a trampoline, keeps
// the stack flat however deep the chain.
void TaskCore::run_coroutine() {
    std::coroutine_handle<> next = std::exchange(resume_point_, nullptr);
    while (next) {
        next.resume();
        next = std::exchange(transfer_, nullptr);
    }
}

void TaskCore::start() {
    // TODO(lab 04) TaskCore::start: refuse a task that was already started; otherwise mark it started and schedule its first step. See TUTORIAL.md#lab-04-coroutine-tasks
    if (started_) throw std::logic_error("the task " + future_.name() + " was already started");
    mark_started();
    schedule_step();  // never run now: the first step happens in the loop's next iteration
    // END TODO(lab 04)
}

void TaskCore::step() {
    LOOPLAB_TRACE_SPAN(span, trace::Category::step, future_.name(), "task", static_cast<std::int64_t>(trace_id_));
    // TODO(lab 04) TaskCore::step: deliver a pending cancel at the resumption point; resume the coroutine; then wait for what it awaits, or step again next iteration after a bare yield. See TUTORIAL.md#lab-04-coroutine-tasks
    if (future_.done()) throw InvalidStateError("step(): the task " + future_.name() + " is already done");
    if (must_cancel_) {
        must_cancel_ = false;
        cancel_at_resume_ = true;  // CancelledError is thrown where the coroutine resumes
    }
    waiting_on_ = nullptr;
    yielded_ = false;
    run_coroutine();
    if (coroutine_done()) return;  // it ended: finish_from_coroutine has completed the future
    if (waiting_on_) {
        // asyncio's __wakeup: step again once the awaited future is done.
        waiting_on_->add_done_callback([self = self()](FutureCore&) { self->step(); }, future_.name());
        // cancel() was called during this step: pass it on to what the task now waits for.
        if (must_cancel_ && waiting_on_->cancel(cancel_message_)) must_cancel_ = false;
    } else {
        schedule_step();  // a bare yield: give every other callback one turn first
    }
    // END TODO(lab 04)
}

bool TaskCore::cancel(std::string message) {
    // TODO(lab 04) TaskCore::cancel: cancelling counts as retrieving the exception; false once done; cancel the awaited future if that works; otherwise have the next step throw CancelledError. See TUTORIAL.md#lab-04-coroutine-tasks
    future_.mark_exception_retrieved();  // as asyncio's Task.cancel: whoever cancels has given up on the result
    if (future_.done()) return false;
    if (waiting_on_ && waiting_on_->cancel(message)) return true;  // its done callback wakes the task
    must_cancel_ = true;
    cancel_message_ = std::move(message);
    return true;
    // END TODO(lab 04)
}

void TaskCore::finish_from_coroutine() {
    // TODO(lab 04) TaskCore::finish_from_coroutine: CancelledError escaped -> the task is cancelled; another exception -> set it; a cancel that came too late -> cancelled; otherwise finished. See TUTORIAL.md#lab-04-coroutine-tasks
    if (coroutine_exception_) {
        try {
            std::rethrow_exception(coroutine_exception_);
        } catch (const CancelledError& cancelled) {
            cancel_as_future(cancelled.what());
        } catch (...) {
            future_.finish_with_exception(coroutine_exception_);
        }
    } else if (must_cancel_) {
        must_cancel_ = false;  // cancelled right before the coroutine ended
        cancel_as_future(cancel_message_);
    } else {
        future_.finish();  // co_return already stored the value
    }
    // END TODO(lab 04)
}

}  // namespace detail

Task<void> sleep(Duration delay) {
    // TODO(lab 04) looplab::sleep: yield once for a delay <= 0; otherwise await a future that a call_later timer completes, cancelling the timer however the wait ends. See TUTORIAL.md#lab-04-coroutine-tasks
    if (delay <= Duration::zero()) {
        co_await yield_now();
        co_return;
    }
    EventLoop& loop = get_running_loop();
    Future<void> woken(loop, "sleep");
    TimerHandle timer = loop.call_later(delay, [woken]() mutable {
        if (!woken.done()) woken.set_result();  // a cancelled sleep stays cancelled
    }, "sleep");
    ScopeExit cancel_timer([&timer] { timer.cancel(); });  // Python's finally: h.cancel()
    co_await woken;
    // END TODO(lab 04)
}

}  // namespace looplab
