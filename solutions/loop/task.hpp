// task.hpp: coroutines on the loop (lab 04). Python: coroutines, asyncio.Task, asyncio.sleep.
//
// Task<T> is the type of a looplab coroutine: a function that returns Task<T> and uses
// co_await / co_return.
//
//     looplab::Task<int> answer() {
//         co_await looplab::sleep(100ms);   // the loop runs other work meanwhile
//         co_return 42;
//     }
//
// When it runs: calling answer() creates the coroutine but runs none of it (like calling an
// async def in Python). It starts in one of two ways:
//   - co_await answer() inside another coroutine runs it right there, as part of the awaiting
//     task (Python's `await answer()`): no new task, no extra loop iteration;
//   - create_task(answer()) makes it a task of its own (Python's asyncio.create_task): its first
//     step is scheduled with call_soon, never run eagerly, and from then on the loop steps it
//     whenever what it awaits is done. run_until_complete(loop, answer()) does this too.
// How it differs from its siblings: a Task<T> is also a Future<T> (its result is the coroutine's
// co_return value), so everything that can wait for a future can wait for a task. A Handle is a
// plain callback; a Future has no code of its own.
// Lifetime: like Future<T>, a Task<T> is a shared handle, and the coroutine frame lives as long
// as its state: while you hold the task, while the loop has a step of it scheduled, or while a
// future it awaits can still wake it. Take coroutine parameters by value: a reference parameter
// may dangle by the time the coroutine runs.
//
// The machinery below (promise, awaiters, the trampoline) is the kit's; the TODO regions are
// in task.cpp.
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "future.hpp"
#include "scope_exit.hpp"

namespace looplab {

template <class T = void>
class Task;

namespace detail {

// The part of every task that does not depend on T: how the loop steps its coroutine
// (asyncio's Task.__step, __wakeup and cancel). It lives in the same object as the task's
// FutureCore, which it reaches through future().
class TaskCore {
  public:
    explicit TaskCore(FutureCore& future) : future_(future) {}
    virtual ~TaskCore();
    TaskCore(const TaskCore&) = delete;
    TaskCore& operator=(const TaskCore&) = delete;

    FutureCore& future() const { return future_; }
    bool started() const { return started_; }

    // --- What you write (task.cpp) -------------------------------------------------------

    // Makes this a task of its own: schedules its first step with call_soon. Throws
    // std::logic_error if it was already started (as a task, or by being awaited).
    void start();
    // One step: resume the coroutine until it suspends or ends, then arrange the next step.
    // Runs on the loop thread, from a callback.
    void step();
    // Cancels the task (asyncio's Task.cancel): false if it is done; otherwise cancels the future
    // it is waiting for, or has CancelledError thrown where the coroutine next resumes.
    bool cancel(std::string message);
    // Called once the coroutine has ended: completes the task's future from how it ended.
    void finish_from_coroutine();

    // --- The kit's machinery, used by the awaiters ---------------------------------------

    void mark_started() { started_ = true; }
    void set_coroutine(std::coroutine_handle<> coroutine) { coroutine_ = resume_point_ = coroutine; }
    void ended();  // the coroutine has ended and finish_from_coroutine() ran (for the trace)
    // The plain future cancel, for a task whose coroutine ended by CancelledError. (Calling
    // future().cancel() instead would be this task's own cancel(), which only asks.)
    void cancel_as_future(std::string message) { future_.FutureCore::cancel(std::move(message)); }
    bool coroutine_done() const { return coroutine_.done(); }
    void set_coroutine_exception(std::exception_ptr error) { coroutine_exception_ = std::move(error); }

    // The innermost coroutine suspends until `awaited` is done (asyncio: _fut_waiter).
    void suspend_on(std::shared_ptr<FutureCore> awaited, std::coroutine_handle<> resume_at);
    // The innermost coroutine gives the loop one iteration (a bare yield: sleep(0)).
    void suspend_for_one_iteration(std::coroutine_handle<> resume_at);
    // The trampoline: after the running coroutine suspends, resume `next` (symmetric transfer
    // without growing the stack; see run_coroutine in task.cpp).
    void transfer_to(std::coroutine_handle<> next) { transfer_ = next; }
    // Called where a coroutine resumes: throws CancelledError if a cancellation is due there.
    void throw_if_cancel_requested();
    // A shared pointer to this task's state, for callbacks that must keep it alive.
    std::shared_ptr<TaskCore> self();
    // Registers the new task with its loop, whose destructor abandons it if still pending.
    void track() { future_.loop().track_task(self()); }
    // Its loop is being destroyed and it is still pending: destroys the coroutine frame (and
    // with it what the frame holds), and lets go of the awaited future. It never runs again.
    void abandon();

  private:
    void run_coroutine();
    void schedule_step();

    FutureCore& future_;
    std::coroutine_handle<> coroutine_;       // the task's own coroutine; destroyed with the task
    std::exception_ptr coroutine_exception_;  // what escaped the coroutine, if anything
    bool started_ = false;

    // Set by the awaiters during a step, read by step() afterwards.
    std::coroutine_handle<> resume_point_;    // the innermost suspended coroutine: resume it next
    std::coroutine_handle<> transfer_;        // the trampoline's next coroutine within this step
    std::shared_ptr<FutureCore> waiting_on_;  // the future the task waits for (asyncio: _fut_waiter)
    bool yielded_ = false;                    // a bare yield: step again next iteration

    // Cancellation (asyncio: _must_cancel, _cancel_message).
    bool must_cancel_ = false;
    bool cancel_at_resume_ = false;
    std::string cancel_message_;

    std::uint64_t trace_id_ = 0;  // the task's lane in the trace; 0 until its first step is scheduled
};

template <class T>
struct TaskPromise;

template <class T>
struct TaskState final : FutureState<T>, TaskCore {
    explicit TaskState(EventLoop& loop, std::string name) : FutureState<T>(loop, std::move(name)), TaskCore(static_cast<FutureCore&>(*this)) {}
    TaskPromise<T>* promise = nullptr;  // inside the coroutine frame this state owns
    // Cancelling a task through any Future<T> copy of it is a task cancel, not a plain future cancel.
    bool cancel(std::string message) override { return TaskCore::cancel(std::move(message)); }
};

std::string next_task_name();  // "Task-1", "Task-2", ...

// What all task promises share, whatever T: the link to the task's state and to the task that
// drives this coroutine. The driver is the task itself, unless the coroutine was co_awaited
// inline by another coroutine: then it is that coroutine's driver, the task the loop steps.
struct TaskPromiseBase {
    TaskCore* core = nullptr;
    TaskCore* driver = nullptr;
    std::coroutine_handle<> continuation;  // the coroutine awaiting this one inline, if any

    // The coroutine starts suspended; where it first resumes, a pending cancel is thrown.
    struct InitialAwaiter {
        TaskPromiseBase* promise;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<>) const noexcept {}
        void await_resume() const { promise->driver->throw_if_cancel_requested(); }
    };
    InitialAwaiter initial_suspend() noexcept { return {this}; }

    // At the end: complete the task's future, then hand control back to an inline awaiter.
    // Nothing may throw out of here (the coroutine is past its end), so a failure to complete
    // the future, a starter stub say, goes to the loop's exception handler.
    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        void await_suspend(std::coroutine_handle<Promise> finished) const noexcept {
            TaskPromiseBase& promise = finished.promise();
            try {
                promise.core->finish_from_coroutine();
            } catch (...) {
                FutureCore& future = promise.core->future();
                future.loop().call_exception_handler(
                    {"Exception while finishing task " + future.name(), std::current_exception(), {}});
            }
            promise.core->ended();
            if (promise.continuation) promise.driver->transfer_to(promise.continuation);
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }

    void unhandled_exception() { core->set_coroutine_exception(std::current_exception()); }
};

template <class T>
struct TaskPromise : TaskPromiseBase {
    TaskState<T>* state = nullptr;
    Task<T> get_return_object();
    template <class U>
        requires std::is_convertible_v<U, T>
    void return_value(U&& value) {
        state->value.emplace(std::forward<U>(value));
    }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
    TaskState<void>* state = nullptr;
    Task<void> get_return_object();
    void return_void() {}
};

// co_await on a future: suspend the task until the future is done, then produce its result.
template <class T>
struct FutureAwaiter {
    Future<T> future;
    TaskCore* driver = nullptr;
    std::exception_ptr misuse{};  // awaiting yourself or another loop's future

    bool await_ready() const { return future.done(); }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> awaiting) {
        driver = awaiting.promise().driver;
        if (&future.get_loop() != &driver->future().loop()) {
            misuse = std::make_exception_ptr(std::runtime_error("a task awaited a future of another loop"));
            return false;
        }
        if (FutureAccess::core(future).get() == &driver->future()) {
            misuse = std::make_exception_ptr(std::runtime_error("Task cannot await on itself"));
            return false;
        }
        driver->suspend_on(FutureAccess::core(future), awaiting);
        return true;
    }
    T await_resume() {
        if (misuse) std::rethrow_exception(misuse);
        if (driver) driver->throw_if_cancel_requested();
        if constexpr (std::is_void_v<T>) {
            future.result();
        } else {
            return future.result();
        }
    }
};

// co_await on a task: a task nobody started runs inline, as part of the awaiting task
// (Python's `await coro()`); a started one is awaited like any future.
template <class T>
struct TaskAwaiter {
    Task<T> task;
    FutureAwaiter<T> as_future{task, nullptr, nullptr};
    bool inline_run = false;

    bool await_ready() const { return task.core().started() && task.done(); }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> awaiting) {
        if (task.core().started()) return as_future.await_suspend(awaiting);
        inline_run = true;
        TaskPromiseBase& child = task.promise();
        child.driver = awaiting.promise().driver;
        child.continuation = awaiting;
        task.core().mark_started();
        child.driver->transfer_to(task.handle());  // the trampoline resumes the child next
        return true;
    }
    T await_resume() {
        if (!inline_run) return as_future.await_resume();
        if constexpr (std::is_void_v<T>) {
            task.result();
        } else {
            return task.result();
        }
    }
};

// co_await yield_now(): give the loop one iteration, then go on (a bare yield).
struct YieldAwaiter {
    TaskCore* driver = nullptr;
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    void await_suspend(std::coroutine_handle<Promise> awaiting) {
        driver = awaiting.promise().driver;
        driver->suspend_for_one_iteration(awaiting);
    }
    void await_resume() const { driver->throw_if_cancel_requested(); }
};

}  // namespace detail

template <class T>
class Task : public Future<T> {
  public:
    using promise_type = detail::TaskPromise<T>;

    // Cancels the task: see detail::TaskCore::cancel.
    bool cancel(std::string message = "") { return core().cancel(std::move(message)); }
    // Renames the task (for error messages and the trace); call it before the task starts.
    void set_name(std::string name) { state().rename(std::move(name)); }

    detail::TaskCore& core() const { return state(); }

  private:
    friend promise_type;
    template <class>
    friend struct detail::TaskAwaiter;

    explicit Task(std::shared_ptr<detail::TaskState<T>> state) : Future<T>(std::move(state)) {}
    detail::TaskState<T>& state() const { return static_cast<detail::TaskState<T>&>(*this->state_); }
    detail::TaskPromiseBase& promise() const { return handle().promise(); }
    std::coroutine_handle<promise_type> handle() const {
        return std::coroutine_handle<promise_type>::from_promise(*state().promise);
    }
};

namespace detail {

// The state of the task `promise` belongs to, bound to the current loop, and linked both ways:
// the state owns the coroutine frame, the promise only points back at the state.
template <class T>
std::shared_ptr<TaskState<T>> make_task_state(TaskPromise<T>& promise) {
    auto task_state = std::make_shared<TaskState<T>>(get_event_loop(), next_task_name());
    task_state->set_coroutine(std::coroutine_handle<TaskPromise<T>>::from_promise(promise));
    task_state->promise = &promise;
    promise.state = task_state.get();
    promise.core = promise.driver = task_state.get();
    task_state->track();
    return task_state;
}

template <class T>
Task<T> TaskPromise<T>::get_return_object() {
    return Task<T>(make_task_state(*this));
}

inline Task<void> TaskPromise<void>::get_return_object() {
    return Task<void>(make_task_state(*this));
}

}  // namespace detail

template <class T>
detail::FutureAwaiter<T> operator co_await(Future<T> future) {
    return {std::move(future), nullptr, nullptr};
}
template <class T>
detail::TaskAwaiter<T> operator co_await(Task<T> task) {
    return {task};
}
inline detail::YieldAwaiter yield_now() {
    return {};
}

// Makes `task` a task of its own on its loop: its first step runs in the loop's next iteration.
// `name`, if given, names it in error messages and the trace (default: "Task-N").
template <class T>
Task<T> create_task(Task<T> task, std::string name = "") {
    if (!name.empty()) task.set_name(std::move(name));
    task.core().start();
    return task;
}

// Runs the loop until the task is done (starting it first if nobody has) and returns its result.
template <class T>
T run_until_complete(EventLoop& loop, Task<T> task) {
    if (!task.core().started()) task.core().start();
    return run_until_complete(loop, static_cast<Future<T>>(task));
}

// Suspends the calling coroutine for `delay` on the running loop; a delay <= 0 just gives the
// loop one iteration. Cancelling the sleeping task cancels the timer too.
Task<void> sleep(Duration delay);

// asyncio.run: a new loop, made current, runs the task that `make_main()` returns until it is
// done, then is closed. Returns the task's result. (It takes a function, not a task, because a
// task belongs to the loop that is current when it is created.)
template <class MakeMain>
auto run(MakeMain make_main) {
    EventLoop* previous = set_event_loop(nullptr);
    EventLoop loop;
    set_event_loop(&loop);
    ScopeExit restore([&] {
        set_event_loop(previous);
        try {
            loop.close();
        } catch (const std::exception& error) {  // a destructor must not throw: say it instead
            std::cerr << "looplab::run could not close its loop:\n  exception: " << error.what() << '\n';
        }
    });
    return run_until_complete(loop, make_main());
}

}  // namespace looplab
