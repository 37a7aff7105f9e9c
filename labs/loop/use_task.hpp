// use_task.hpp: an Asio completion token that turns any Asio asynchronous operation into a
// looplab future a Task can co_await (lab 07). Python: what makes a library "asyncio-native":
// its operations return awaitables bound to the running loop.
//
//     co_await timer.async_wait(looplab::use_task);                              // void
//     std::size_t n = co_await socket.async_read_some(asio::buffer(data), looplab::use_task);
//     asio::ip::tcp::socket peer = co_await acceptor.async_accept(looplab::use_task);
//     co_await asio::async_connect(socket, endpoints, looplab::use_task);        // composed ops too
//
// An Asio operation reports how it ended by calling a completion handler with a "completion
// signature": void(std::error_code) for a timer, void(std::error_code, std::size_t) for a read,
// void(std::error_code, tcp::socket) for an accept. The last argument of every async_xxx call is
// a completion token: a handler itself (a lambda), or a token like asio::use_future,
// asio::use_awaitable or looplab::use_task, which says what async_xxx returns instead. Asio asks
// the trait asio::async_result<Token, Signature> (specialized below, the way cppcoro and Asio's
// own use_awaitable do it) to make the real handler and the return value:
//
//   1. async_xxx calls async_result<use_task_t, Sig>::initiate(initiation, token, args...);
//   2. initiate makes a pending Future<T> on the running loop (T: the value after the
//      error_code, or void), starts the operation with a handler that holds that future, and
//      returns the future: the operation is already running, as an asyncio future's would be;
//   3. Asio runs the handler on the io_context, that is on the loop thread inside the loop's wait
//      step (AsioPlatform::wait); the handler completes the future: an error becomes a
//      std::system_error (also operation_aborted, when the timer or socket was cancelled or
//      closed), anything else the result. complete_from_asio below is yours to write;
//   4. the future's done callbacks (the awaiting task's next step) run in the ready queue.
//
// A move-only result (the socket of async_accept) is moved out of the future by co_await: only
// one task may await it. Cancelling the awaiting task cancels the future, not the Asio
// operation: cancel the timer or close the socket for that; the late result is then dropped.
// Needs a running loop (get_running_loop()): call the operations from inside a task.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include <asio/async_result.hpp>

#include "event_loop.hpp"
#include "future.hpp"
#include "not_implemented.hpp"
#include "task.hpp"

namespace looplab {

// The completion token: pass looplab::use_task as the last argument of an Asio async_xxx call.
struct use_task_t {
    constexpr use_task_t() = default;
};
inline constexpr use_task_t use_task{};

namespace detail {

// What an Asio operation produced after its error_code: nothing for void(std::error_code).
template <class T>
struct AsioValue {
    T value;
};
template <>
struct AsioValue<void> {};

// Called by the completion handler, on the loop thread, inside the wait step: completes
// `future` from how the Asio operation ended.
template <class T>
void complete_from_asio(Future<T>& future, const std::error_code& error, AsioValue<T>&& result) {
    // TODO(lab 07) detail::complete_from_asio: drop the result if the future is already done (its task was cancelled); an error becomes a std::system_error exception, otherwise the result. See TUTORIAL.md#lab-07-natively-async-libraries-asio
    throw looplab::not_implemented{"lab 07: detail::complete_from_asio"};
    // END TODO(lab 07)
}

// The handler use_task gives Asio: it holds the future, and nothing else. It has no associated
// executor, so Asio runs it on the I/O object's own: the io_context the loop runs.
template <class T>
struct UseTaskHandler {
    Future<T> future;

    void operator()()
        requires std::is_void_v<T>
    {
        complete_from_asio(future, std::error_code{}, AsioValue<void>{});
    }
    void operator()(const std::error_code& error)
        requires std::is_void_v<T>
    {
        complete_from_asio(future, error, AsioValue<void>{});
    }
    template <class V>
        requires(!std::is_void_v<T>)
    void operator()(const std::error_code& error, V&& value) {
        complete_from_asio(future, error, AsioValue<T>{std::forward<V>(value)});
    }
};

// Steps 1-2 above, shared by the specializations: a pending future on the running loop,
// the operation started with a handler holding it, the future returned.
template <class T, class Initiation, class... Args>
Future<T> initiate_use_task(Initiation&& initiation, Args&&... args) {
    Future<T> future(get_running_loop(), "asio operation");
    std::forward<Initiation>(initiation)(UseTaskHandler<T>{future}, std::forward<Args>(args)...);
    return future;
}

// co_await on a future of a move-only value: lab 04's FutureAwaiter, but the value is moved out.
template <class T>
struct MovingFutureAwaiter : FutureAwaiter<T> {
    T await_resume() {
        if (this->misuse) std::rethrow_exception(this->misuse);
        if (this->driver) this->driver->throw_if_cancel_requested();
        this->future.result();  // throws the stored exception, or CancelledError
        auto state = std::static_pointer_cast<FutureState<T>>(FutureAccess::core(this->future));
        return std::move(*state->value);
    }
};

}  // namespace detail

// co_await on a Future<T> whose T cannot be copied (an accepted socket): moves the value out.
template <class T>
    requires(!std::is_void_v<T> && !std::is_copy_constructible_v<T>)
detail::MovingFutureAwaiter<T> operator co_await(Future<T> future) {
    return {{std::move(future), nullptr, nullptr}};
}

}  // namespace looplab

// The trait Asio asks (see the top of this file). One specialization per shape of completion
// signature: void(), void(error_code), void(error_code, T).
template <>
class asio::async_result<looplab::use_task_t, void()> {
  public:
    using return_type = looplab::Future<void>;
    template <class Initiation, class... Args>
    static return_type initiate(Initiation&& initiation, looplab::use_task_t, Args&&... args) {
        return looplab::detail::initiate_use_task<void>(std::forward<Initiation>(initiation),
                                                        std::forward<Args>(args)...);
    }
};

template <>
class asio::async_result<looplab::use_task_t, void(std::error_code)> {
  public:
    using return_type = looplab::Future<void>;
    template <class Initiation, class... Args>
    static return_type initiate(Initiation&& initiation, looplab::use_task_t, Args&&... args) {
        return looplab::detail::initiate_use_task<void>(std::forward<Initiation>(initiation),
                                                        std::forward<Args>(args)...);
    }
};

template <class T>
class asio::async_result<looplab::use_task_t, void(std::error_code, T)> {
  public:
    using value_type = std::decay_t<T>;
    using return_type = looplab::Future<value_type>;
    template <class Initiation, class... Args>
    static return_type initiate(Initiation&& initiation, looplab::use_task_t, Args&&... args) {
        return looplab::detail::initiate_use_task<value_type>(std::forward<Initiation>(initiation),
                                                              std::forward<Args>(args)...);
    }
};
