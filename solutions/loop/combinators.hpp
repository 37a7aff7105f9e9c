// combinators.hpp: waiting for several tasks at once, and for one with a deadline (lab 08).
// Python: asyncio.gather, asyncio.gather(..., return_exceptions=True), asyncio.wait_for.
//
//     auto [user, orders] = co_await looplab::gather(fetch_user(7), fetch_orders(7));
//     std::vector<int> sizes = co_await looplab::gather(std::move(downloads));
//     Page page = co_await looplab::wait_for(fetch_page(url), 2s);   // or TimeoutError
//
// gather(Task<T>...) / gather(std::vector<Task<T>>): waits for every child and returns their
//   results in argument order (a std::tuple, or a std::vector for children of one type; a void
//   child gives std::monostate).
//   When it runs: calling gather() starts every child that is not started yet as a task of its
//   own (like asyncio.gather, which wraps each coroutine in a task), so the children run even
//   before anyone awaits the gather; the Task it returns is lazy like any Task: it waits for the
//   children where you co_await it (or create_task it).
//   How it differs: the first child to fail (or to be cancelled) throws its exception into the
//   awaiting task at once, and the other children keep running: they are not cancelled.
//   gather_settled is the same wait with asyncio's return_exceptions=True: it never throws for a
//   child, it hands back one Outcome per child, a value or an exception (a cancelled child's is a
//   CancelledError). Cancelling the task that awaits either one cancels every child.
//   Lifetime: the gather keeps its children alive until each is done; the children keep the
//   gather's bookkeeping alive until then too. Take the children by value (they are handles).
//
// wait_for(Task<T>, timeout): the task's result, or TimeoutError if it is not done in time.
//   When it runs: lazily, like any Task; when awaited it starts the task (if nobody has) and
//   races it against a call_later timer.
//   How it differs: on a timeout it cancels the task and waits until the task has really
//   finished (its cleanup ran) before it throws TimeoutError. A timeout <= 0 never lets a
//   coroutine start: the result if the task is already done, otherwise cancel + TimeoutError.
//   std::nullopt as the timeout is a plain co_await. Cancelling the task that awaits wait_for
//   cancels the inner task too, and waits for it likewise.
//   Lifetime: wait_for holds the task until it is done; the timer is cancelled however it ends.
//
// The machinery below (the gather's outcome types, the awaiter, the typed wrappers) is the
// kit's; the TODO regions are GatherWaiter's (combinators.cpp), cancel_and_wait
// (combinators.cpp) and wait_for (below).
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "future.hpp"
#include "not_implemented.hpp"
#include "scope_exit.hpp"
#include "task.hpp"

namespace looplab {

// wait_for's deadline passed before the task was done (asyncio.TimeoutError).
class TimeoutError : public std::runtime_error {
  public:
    explicit TimeoutError(const std::string& message = "timed out") : std::runtime_error(message) {}
};

// What gather returns for one child: its value, or std::monostate for a Task<void>.
template <class T>
using GatherValue = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// What gather_settled returns for one child (one entry of asyncio's return_exceptions list):
// the value if it finished with one, otherwise the exception it failed with, a CancelledError
// if it was cancelled.
template <class T>
struct Outcome {
    std::optional<GatherValue<T>> value;
    std::exception_ptr error;

    bool ok() const { return !error; }
    // The value, or the exception rethrown.
    const GatherValue<T>& get() const {
        if (error) std::rethrow_exception(error);
        return *value;
    }
};

namespace detail {

// The bookkeeping of one gather (asyncio's _GatheringFuture plus gather's _done_callback): a
// future of its own that is done once the gather has its answer. The gather's coroutine waits
// for it; cancelling it (which is what cancelling the awaiting task does) cancels the children.
class GatherWaiter final : public FutureCore {
  public:
    GatherWaiter(EventLoop& loop, std::vector<std::shared_ptr<FutureCore>> children, bool return_exceptions)
        : FutureCore(loop, "gather"), children_(std::move(children)), return_exceptions_(return_exceptions) {}

    // Makes a waiter over `children` (every one already started) and starts watching them.
    static std::shared_ptr<GatherWaiter> start(EventLoop& loop, std::vector<std::shared_ptr<FutureCore>> children,
                                               bool return_exceptions);

    // Cancelling the waiter cancels the children (asyncio's _GatheringFuture.cancel).
    bool cancel(std::string message) override { return cancel_children(std::move(message)); }

    // --- What you write (combinators.cpp) --------------------------------------------------

    // No children: done at once. Otherwise a done callback on each child that calls child_done.
    void watch_children();
    // One child is done: settle the gather if this child decides it, or if it was the last.
    void child_done(FutureCore& child);
    // Cancels every child still pending; true if any was; remembers that a cancel was asked for.
    bool cancel_children(std::string message);

  private:
    std::shared_ptr<GatherWaiter> self() {
        return std::static_pointer_cast<GatherWaiter>(shared_from_this());
    }

    std::vector<std::shared_ptr<FutureCore>> children_;
    bool return_exceptions_;
    // TODO(lab 08) GatherWaiter state: what the waiter must count and remember between callbacks. See TUTORIAL.md#lab-08-combinators-and-cancellation
    std::size_t finished_ = 0;      // children done so far (asyncio: nfinished)
    bool cancel_requested_ = false;  // cancel_children cancelled at least one child
    std::string cancel_message_;
    // END TODO(lab 08)
};

// co_await on a bare FutureCore: suspend the task until it is done, then throw what it holds
// (its exception, or CancelledError), or go on. The same as FutureAwaiter, without a value.
struct CoreAwaiter {
    std::shared_ptr<FutureCore> core;
    TaskCore* driver = nullptr;

    bool await_ready() const { return core->done(); }
    template <class Promise>
    void await_suspend(std::coroutine_handle<Promise> awaiting) {
        driver = awaiting.promise().driver;
        driver->suspend_on(core, awaiting);
    }
    void await_resume() {
        if (driver) driver->throw_if_cancel_requested();
        core->check_result();
    }
};

// Starts `task` as a task of its own unless it already runs; returns its future's state.
template <class T>
std::shared_ptr<FutureCore> started(Task<T>& task) {
    if (!task.core().started()) task.core().start();
    return FutureAccess::core(task);
}

// A finished child's value (rethrows its exception, or CancelledError).
template <class T>
GatherValue<T> value_of(const Task<T>& task) {
    if constexpr (std::is_void_v<T>) {
        task.result();
        return std::monostate{};
    } else {
        return task.result();
    }
}

template <class T>
Outcome<T> outcome_of(const Task<T>& task) {
    Outcome<T> outcome;
    try {
        outcome.value.emplace(value_of(task));
    } catch (...) {
        outcome.error = std::current_exception();
    }
    return outcome;
}

// The gathers' coroutines: wait for the waiter (which throws the first failure, unless
// settled), then read every child's result in argument order.
template <class T>
Task<std::vector<GatherValue<T>>> collect_values(std::shared_ptr<GatherWaiter> waiter, std::vector<Task<T>> children) {
    CoreAwaiter settled{std::move(waiter)};  // named: g++ 12 may destroy a temporary awaiter twice
    co_await settled;
    std::vector<GatherValue<T>> values;
    values.reserve(children.size());
    for (const Task<T>& child : children) values.push_back(value_of(child));
    co_return values;
}

template <class T>
Task<std::vector<Outcome<T>>> collect_outcomes(std::shared_ptr<GatherWaiter> waiter, std::vector<Task<T>> children) {
    CoreAwaiter settled{std::move(waiter)};  // named: g++ 12 may destroy a temporary awaiter twice
    co_await settled;
    std::vector<Outcome<T>> outcomes;
    outcomes.reserve(children.size());
    for (const Task<T>& child : children) outcomes.push_back(outcome_of(child));
    co_return outcomes;
}

template <class... Ts>
Task<std::tuple<GatherValue<Ts>...>> collect_tuple(std::shared_ptr<GatherWaiter> waiter, std::tuple<Task<Ts>...> children) {
    CoreAwaiter settled{std::move(waiter)};  // named: g++ 12 may destroy a temporary awaiter twice
    co_await settled;
    co_return std::apply([](const Task<Ts>&... child) { return std::tuple<GatherValue<Ts>...>(value_of(child)...); },
                         children);
}

template <class... Ts>
Task<std::tuple<Outcome<Ts>...>> collect_outcome_tuple(std::shared_ptr<GatherWaiter> waiter,
                                                       std::tuple<Task<Ts>...> children) {
    CoreAwaiter settled{std::move(waiter)};  // named: g++ 12 may destroy a temporary awaiter twice
    co_await settled;
    co_return std::apply([](const Task<Ts>&... child) { return std::tuple<Outcome<Ts>...>(outcome_of(child)...); },
                         children);
}

template <class T>
std::shared_ptr<GatherWaiter> start_gather(std::vector<Task<T>>& children, bool return_exceptions) {
    std::vector<std::shared_ptr<FutureCore>> cores;
    cores.reserve(children.size());
    for (Task<T>& child : children) cores.push_back(started(child));
    return GatherWaiter::start(get_event_loop(), std::move(cores), return_exceptions);
}

template <class... Ts>
std::shared_ptr<GatherWaiter> start_gather(std::tuple<Task<Ts>...>& children, bool return_exceptions) {
    std::vector<std::shared_ptr<FutureCore>> cores;
    std::apply([&cores](Task<Ts>&... child) { (cores.push_back(started(child)), ...); }, children);
    return GatherWaiter::start(get_event_loop(), std::move(cores), return_exceptions);
}

// asyncio's _cancel_and_wait: cancels `inner`, then waits until it is done, whatever it ends
// with (its result or exception stays in it for the caller to read).
Task<void> cancel_and_wait(std::shared_ptr<FutureCore> inner, std::string message);

// The result of a task that wait_for cancelled: a CancelledError becomes TimeoutError; a task
// that shrugged off the cancel still gives its value or its own exception.
template <class T>
T result_or_timeout(const Task<T>& task) {
    try {
        if constexpr (std::is_void_v<T>) {
            task.result();
        } else {
            return task.result();
        }
    } catch (const CancelledError&) {
        throw TimeoutError();
    }
}

}  // namespace detail

// Every child's result, in argument order; the first failure is thrown at once (see the top).
template <class T>
Task<std::vector<GatherValue<T>>> gather(std::vector<Task<T>> children) {
    auto waiter = detail::start_gather(children, /*return_exceptions=*/false);
    return detail::collect_values(std::move(waiter), std::move(children));
}

template <class... Ts>
Task<std::tuple<GatherValue<Ts>...>> gather(Task<Ts>... children) {
    std::tuple<Task<Ts>...> all(std::move(children)...);
    auto waiter = detail::start_gather(all, /*return_exceptions=*/false);
    return detail::collect_tuple(std::move(waiter), std::move(all));
}

// asyncio.gather(..., return_exceptions=True): one Outcome per child, in argument order.
template <class T>
Task<std::vector<Outcome<T>>> gather_settled(std::vector<Task<T>> children) {
    auto waiter = detail::start_gather(children, /*return_exceptions=*/true);
    return detail::collect_outcomes(std::move(waiter), std::move(children));
}

template <class... Ts>
Task<std::tuple<Outcome<Ts>...>> gather_settled(Task<Ts>... children) {
    std::tuple<Task<Ts>...> all(std::move(children)...);
    auto waiter = detail::start_gather(all, /*return_exceptions=*/true);
    return detail::collect_outcome_tuple(std::move(waiter), std::move(all));
}

// The task's result if it is done within `timeout`; otherwise it is cancelled, waited for,
// and TimeoutError is thrown (see the top). std::nullopt: no deadline, a plain co_await.
template <class T>
Task<T> wait_for(Task<T> task, std::optional<Duration> timeout) {
    // TODO(lab 08) looplab::wait_for: no timeout -> plain await; <= 0 -> result if done, else cancel, wait, TimeoutError; otherwise race the task against a timer, and cancel and wait for it when the timer or the outer cancel wins. See TUTORIAL.md#lab-08-combinators-and-cancellation
    if (!timeout) co_return co_await task;
    std::shared_ptr<detail::FutureCore> inner = detail::started(task);
    if (*timeout <= Duration::zero()) {
        if (task.done()) co_return task.result();
        co_await detail::cancel_and_wait(inner, "");  // a task that never started never will
        co_return detail::result_or_timeout(task);
    }

    EventLoop& loop = task.get_loop();
    Future<void> waiter(loop, "wait_for");
    auto release = [waiter]() mutable {
        if (!waiter.done()) waiter.set_result();
    };
    TimerHandle timer = loop.call_later(*timeout, release, "wait_for timeout");
    ScopeExit cancel_timer([&timer] { timer.cancel(); });  // Python's finally: timeout_handle.cancel()
    const CallbackId on_done = inner->add_done_callback([release](detail::FutureCore&) mutable { release(); },
                                                        "wait_for");
    std::optional<std::string> outer_cancelled;  // the message of a cancel of the awaiting task
    try {
        co_await waiter;
    } catch (const CancelledError& cancelled) {
        outer_cancelled = cancelled.what();  // (co_await is not allowed inside a catch block)
    }
    if (task.done()) co_return task.result();
    inner->remove_done_callback(on_done);
    co_await detail::cancel_and_wait(inner, outer_cancelled.value_or(""));
    if (outer_cancelled) throw CancelledError(*outer_cancelled);
    co_return detail::result_or_timeout(task);
    // END TODO(lab 08)
}

}  // namespace looplab
