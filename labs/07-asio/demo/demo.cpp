// Lab 07 demo: a natively async library on your loop. One thread, one loop, an AsioPlatform
// under it, and four kinds of task side by side:
//
//   - a ticker (looplab::sleep every 25 ms): the loop's own timers;
//   - an Asio steady_timer awaited with looplab::use_task;
//   - an echo server on loopback TCP (async_accept, then a session task per connection);
//   - a client that connects, sends three lines and reads each echo back.
//
// Nobody blocks and no thread is started: every socket and the Asio timer complete inside the
// loop's wait step, which sleeps in epoll until one of them, or the loop's next timer, is due.
// In the trace, the "wait" spans end early whenever the network has something for a task.
//
//   ./looplab demo 7               runs this on your loop; the trace goes to build/default/traces/
//   lab07_demo_yours [trace.json]  the program itself (default trace file: ./lab07-trace.json)
//
// asio_version.cpp beside this file is the same kind of program in idiomatic Asio (co_spawn,
// use_awaitable), for comparison.
#include <array>
#include <chrono>
#include <cstddef>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>

#include "asio_platform.hpp"
#include "demo_runner.hpp"
#include "event_loop.hpp"
#include "task.hpp"
#include "use_task.hpp"

using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

namespace {

// Milliseconds since `start` on the loop's clock, for the printout.
long long ms_since(looplab::TimePoint start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(looplab::get_running_loop().time() - start).count();
}

std::string this_thread_name() {
    std::ostringstream id;
    id << std::this_thread::get_id();
    return id.str();
}

// The loop's own timers: tick every `period` until `until`.
looplab::Task<void> ticker(looplab::TimePoint start, looplab::Duration period, looplab::TimePoint until) {
    looplab::EventLoop& loop = looplab::get_running_loop();
    int ticks = 0;
    while (loop.time() < until) {
        ++ticks;
        co_await looplab::sleep(period);
    }
    fmt::print("  [{:3} ms] ticker: {} ticks, never held up by the network\n", ms_since(start), ticks);
}

// An Asio timer, awaited like a looplab future.
looplab::Task<void> asio_timer(looplab::TimePoint start, asio::io_context::executor_type executor) {
    asio::steady_timer timer(executor, 120ms);
    co_await timer.async_wait(looplab::use_task);
    fmt::print("  [{:3} ms] asio timer: expired, resumed on thread {}\n", ms_since(start), this_thread_name());
}

// One connection: echo every line back until the client closes its side.
looplab::Task<void> echo_session(looplab::TimePoint start, tcp::socket peer) {
    std::string buffer;
    while (true) {
        std::size_t line_end = 0;
        try {
            line_end = co_await asio::async_read_until(peer, asio::dynamic_buffer(buffer), '\n', looplab::use_task);
        } catch (const std::system_error& error) {
            if (error.code() != asio::error::eof) throw;
            break;  // the client closed its side: co_await cannot go in a catch block, so leave it first
        }
        std::string line = buffer.substr(0, line_end);
        buffer.erase(0, line_end);
        fmt::print("  [{:3} ms] server: echoing {:?}\n", ms_since(start), line.substr(0, line.size() - 1));
        co_await asio::async_write(peer, asio::buffer(line), looplab::use_task);
    }
    fmt::print("  [{:3} ms] server: client gone, session over\n", ms_since(start));
}

// The server: accept `clients` connections, each served by a task of its own.
looplab::Task<void> echo_server(looplab::TimePoint start, tcp::acceptor* acceptor, int clients) {
    std::vector<looplab::Task<void>> sessions;
    for (int i = 0; i < clients; ++i) {
        tcp::socket peer = co_await acceptor->async_accept(looplab::use_task);
        fmt::print("  [{:3} ms] server: accepted {}\n", ms_since(start), peer.remote_endpoint().port());
        sessions.push_back(looplab::create_task(echo_session(start, std::move(peer)), fmt::format("session-{}", i)));
    }
    for (auto& session : sessions) co_await session;
}

// The client: connect, then send each line and read its echo, pausing between lines.
looplab::Task<void> echo_client(looplab::TimePoint start, asio::io_context::executor_type executor,
                                tcp::endpoint server, std::vector<std::string> lines) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    fmt::print("  [{:3} ms] client: connected from {}\n", ms_since(start), socket.local_endpoint().port());
    std::string buffer;
    for (const std::string& line : lines) {
        co_await looplab::sleep(40ms);
        std::string sent = line + '\n';
        co_await asio::async_write(socket, asio::buffer(sent), looplab::use_task);
        const std::size_t line_end =
            co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', looplab::use_task);
        fmt::print("  [{:3} ms] client: got back {:?}\n", ms_since(start), buffer.substr(0, line_end - 1));
        buffer.erase(0, line_end);
    }
    socket.shutdown(tcp::socket::shutdown_send);  // the server's read ends with eof
}

looplab::Task<void> main_coroutine(looplab::AsioPlatform* platform, tcp::acceptor* acceptor) {
    looplab::EventLoop& loop = looplab::get_running_loop();
    const looplab::TimePoint start = loop.time();
    fmt::print("  [{:3} ms] main: every task runs on thread {}\n", ms_since(start), this_thread_name());
    std::vector<looplab::Task<void>> tasks;
    tasks.push_back(looplab::create_task(ticker(start, 25ms, start + 200ms), "ticker"));
    tasks.push_back(looplab::create_task(asio_timer(start, platform->get_executor()), "asio timer"));
    tasks.push_back(looplab::create_task(echo_server(start, acceptor, 1), "server"));
    tasks.push_back(looplab::create_task(
        echo_client(start, platform->get_executor(), acceptor->local_endpoint(), {"hello", "from", "asio"}),
        "client"));
    for (auto& task : tasks) co_await task;
    fmt::print("  [{:3} ms] main: all done\n", ms_since(start));
}

void run_demo() {
    looplab::AsioPlatform platform;  // first: the loop and every Asio object die before it
    looplab::EventLoop loop(platform);
    tcp::acceptor acceptor(platform.context(), tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    looplab::Task<void> main_task = main_coroutine(&platform, &acceptor);
    main_task.set_name("main");
    looplab::run_until_complete(loop, main_task);
    loop.close();
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 7, run_demo);
}
