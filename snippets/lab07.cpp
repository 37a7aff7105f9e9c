// Lab 07 in C++: the same program as snippets/lab07.py, with Asio's sockets on the loop through
// AsioPlatform and use_task. Checked beside it by ./looplab test.
#include <chrono>
#include <string>

#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <fmt/core.h>

#include "asio_platform.hpp"
#include "event_loop.hpp"
#include "task.hpp"
#include "use_task.hpp"

using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

// snippet: main
looplab::Task<void> echo(tcp::acceptor* acceptor) {
    tcp::socket peer = co_await acceptor->async_accept(looplab::use_task);
    std::string line;
    co_await asio::async_read_until(peer, asio::dynamic_buffer(line), '\n', looplab::use_task);
    co_await asio::async_write(peer, asio::buffer(line), looplab::use_task);
}

looplab::Task<void> main_coroutine(tcp::acceptor* acceptor) {
    auto server = looplab::create_task(echo(acceptor));
    tcp::socket client(acceptor->get_executor());
    co_await client.async_connect(acceptor->local_endpoint(), looplab::use_task);
    std::string hello = "hello\n";         // named: the buffer must outlive the write
    co_await asio::async_write(client, asio::buffer(hello), looplab::use_task);
    std::string reply;                       // the loop sleeps in Asio until the echo arrives
    std::size_t end = co_await asio::async_read_until(client, asio::dynamic_buffer(reply), '\n', looplab::use_task);
    fmt::print("echoed: {}\n", reply.substr(0, end - 1));
    co_await looplab::sleep(100ms);          // and its own timers still work
    fmt::print("slept 100 ms on the same loop\n");
    co_await server;
}

int main() {
    looplab::AsioPlatform platform;          // first: the loop and every Asio object die before it
    looplab::EventLoop loop(platform);
    tcp::acceptor acceptor(platform.context(), tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    looplab::run_until_complete(loop, main_coroutine(&acceptor));
    loop.close();
}
// end snippet
