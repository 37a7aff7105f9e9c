// Lab 07, the same kind of program in idiomatic standalone Asio: no looplab loop at all. One
// io_context run by one thread (named "loop" in the trace), coroutines started with co_spawn,
// every operation awaited with asio::use_awaitable, and a blocking library call moved to a
// thread_pool and back. Built with labs/common/asio_tracking.hpp, so Asio itself records every
// handler into the kit's trace schema: open its trace in the viewer next to lab07's.
//
//   lab07_asio_version [trace.json]   (default trace file: ./lab07-asio-trace.json)
//
// What maps to what (looplab <-> Asio):
//   EventLoop + AsioPlatform           asio::io_context, run() on one thread
//   Task<T>, create_task               asio::awaitable<T>, asio::co_spawn(io, coro(), detached)
//   co_await x.async_op(use_task)      co_await x.async_op(use_awaitable)
//   looplab::sleep(d)                  steady_timer t(ex, d); co_await t.async_wait(use_awaitable)
//   co_await loop.run_in_executor(...) co_await asio::post(asio::bind_executor(pool, use_awaitable));
//                                      result = blocking(); co_await asio::post(bind_executor(io, ...))
//
// The offload is the one line to read twice. `co_await asio::post(pool, use_awaitable)` alone
// does NOT move the coroutine to the pool: the pool only runs an empty function, and the
// coroutine resumes through its completion handler, whose associated executor is the
// coroutine's own (the io_context). bind_executor(pool, use_awaitable) makes the pool the
// handler's executor, so the coroutine resumes on a pool thread; posting back with the
// io_context bound brings it home. Between the two posts the coroutine runs on a worker thread:
// touch nothing the loop thread owns there.
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>

#include "third_party_lib.hpp"
#include "trace.hpp"

#ifndef ASIO_CUSTOM_HANDLER_TRACKING
#error "build this program with -DASIO_CUSTOM_HANDLER_TRACKING='\"asio_tracking.hpp\"' (see labs/07-asio/CMakeLists.txt)"
#endif

using namespace std::chrono_literals;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Ticks every `period` until `until` (Asio has no sleep(): a timer per tick).
awaitable<void> ticker(Clock::time_point start, Clock::duration period, Clock::time_point until) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    int ticks = 0;
    while (Clock::now() < until) {
        ++ticks;
        timer.expires_after(period);
        co_await timer.async_wait(use_awaitable);
    }
    fmt::print("  [{:3} ms] ticker: {} ticks\n", ms_since(start), ticks);
}

// The blocking library call, moved to the pool and back.
awaitable<void> offload(Clock::time_point start, asio::thread_pool* pool) {
    auto home = co_await asio::this_coro::executor;
    const std::thread::id loop_thread = std::this_thread::get_id();
    co_await asio::post(*pool, use_awaitable);  // the pitfall: the pool runs an empty function...
    fmt::print("  [{:3} ms] offload: after post(pool, use_awaitable) still on the loop thread: {}\n", ms_since(start),
               std::this_thread::get_id() == loop_thread ? "yes" : "no");  // ...and we resume at home
    co_await asio::post(asio::bind_executor(*pool, use_awaitable));   // now on a pool thread
    const std::int64_t result = third_party_lib::slow_query_for(100ms);  // blocks this worker only
    co_await asio::post(asio::bind_executor(home, use_awaitable));    // back on the loop thread
    fmt::print("  [{:3} ms] offload: slow_query_for gave {}, back on the loop thread\n", ms_since(start), result);
}

// Echoes lines until the client closes its side.
awaitable<void> echo_session(Clock::time_point start, tcp::socket peer) {
    std::string buffer;
    while (true) {
        std::size_t line_end = 0;
        try {
            line_end = co_await asio::async_read_until(peer, asio::dynamic_buffer(buffer), '\n', use_awaitable);
        } catch (const std::system_error& error) {
            if (error.code() != asio::error::eof) throw;
            break;  // the client is done
        }
        std::string line = buffer.substr(0, line_end);
        buffer.erase(0, line_end);
        fmt::print("  [{:3} ms] server: echoing {:?}\n", ms_since(start), line.substr(0, line.size() - 1));
        co_await asio::async_write(peer, asio::buffer(line), use_awaitable);
    }
}

awaitable<void> echo_server(Clock::time_point start, tcp::acceptor* acceptor) {
    tcp::socket peer = co_await acceptor->async_accept(use_awaitable);
    co_await echo_session(start, std::move(peer));
}

awaitable<void> echo_client(Clock::time_point start, tcp::endpoint server) {
    tcp::socket socket(co_await asio::this_coro::executor);
    co_await socket.async_connect(server, use_awaitable);
    asio::steady_timer pause(socket.get_executor());
    std::string buffer;
    for (std::string line : {"hello", "from", "asio"}) {
        pause.expires_after(40ms);
        co_await pause.async_wait(use_awaitable);
        line += '\n';
        co_await asio::async_write(socket, asio::buffer(line), use_awaitable);
        const std::size_t line_end = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                                                     use_awaitable);
        fmt::print("  [{:3} ms] client: got back {:?}\n", ms_since(start), buffer.substr(0, line_end - 1));
        buffer.erase(0, line_end);
    }
    socket.shutdown(tcp::socket::shutdown_send);
}

// asio::detached would swallow an exception (a failed connect, say): report it instead.
auto report(const char* name) {
    return [name](std::exception_ptr error) {
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            fmt::print(stderr, "  {} failed: {}\n", name, e.what());
        }
    };
}

}  // namespace

int main(int argc, char** argv) {
    const std::string trace_path = argc > 1 ? argv[1] : "lab07-asio-trace.json";
    looplab::trace::set_thread_name("loop");
    looplab::trace::start();
    {
        asio::io_context io(1);
        asio::thread_pool pool(2);
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        const Clock::time_point start = Clock::now();
        asio::co_spawn(io, ticker(start, 25ms, start + 200ms), report("ticker"));
        asio::co_spawn(io, offload(start, &pool), report("offload"));
        asio::co_spawn(io, echo_server(start, &acceptor), report("server"));
        asio::co_spawn(io, echo_client(start, acceptor.local_endpoint()), report("client"));
        io.run();  // returns when no work is left: every coroutine has finished
        pool.join();
        fmt::print("  [{:3} ms] main: all done\n", ms_since(start));
    }
    looplab::trace::stop();
    looplab::trace::write_json(trace_path);
    fmt::print("Trace written to {}\n", trace_path);
    return 0;
}
