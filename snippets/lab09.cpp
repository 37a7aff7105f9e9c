// Lab 09 in C++: the same conversation as snippets/lab09.py, with the service you build in lab 09
// (looplab::Service) and a client on the same loop. Checked beside it by ./looplab test.
#include <optional>
#include <string>
#include <vector>

#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <fmt/core.h>

#include "asio_platform.hpp"
#include "event_loop.hpp"
#include "service.hpp"
#include "task.hpp"
#include "third_party_lib.hpp"
#include "use_task.hpp"

using tcp = asio::ip::tcp;

// The blocking library: a real SQLite query, run on one of the service's executor threads.
std::optional<std::string> lookup(const looplab::Request& request) {
    const char* table = request.kind == looplab::Request::Kind::quote ? "quotes" : "kv";
    return third_party_lib::kv_lookup(table, request.argument);
}

// snippet: main
looplab::Task<void> client(tcp::socket socket, looplab::Service* service) {
    co_await socket.async_connect(service->endpoint(), looplab::use_task);
    std::string buffer;
    for (std::string request : {"PING", "GET answer", "QUOTE ACME", "GET nothing", "HELLO"}) {
        std::string line = request + "\n";
        co_await asio::async_write(socket, asio::buffer(line), looplab::use_task);
        std::size_t end = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', looplab::use_task);
        fmt::print("{} -> {}\n", request, buffer.substr(0, end - 1));
        buffer.erase(0, end);
    }
    service->stop();                          // graceful: serve() ends once every connection has
}

looplab::Task<void> main_coroutine(looplab::AsioPlatform* platform, looplab::Service* service) {
    auto server = looplab::create_task(service->serve(), "server");
    co_await client(tcp::socket(platform->context()), service);
    co_await server;
}

int main() {
    looplab::AsioPlatform platform;           // declaration order: platform, loop, service
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, lookup);   // 127.0.0.1, a port the system picks
    looplab::run_until_complete(loop, main_coroutine(&platform, &service));
    loop.close();
}
// end snippet
