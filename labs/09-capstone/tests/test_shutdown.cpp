// Lab 09 specification, part 3: graceful shutdown. stop() closes the acceptor, so serve() accepts nobody new;
// idle connections end at once; a request in flight still gets its reply before its connection ends; serve()
// then ends once every connection task has, and joins the executor. (asyncio: server.close() and
// await server.wait_closed(), plus what a careful handler does on cancellation.)
// See labs/09-capstone/README.md and TUTORIAL.md#lab-09-capstone-an-async-service.
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <asio/error.hpp>

#include "asio_platform.hpp"
#include "looplab_catch.hpp"
#include "service_test_helpers.hpp"

using namespace looplab::testing;  // exchange, run_until_done_or_server_ends, stop_and_wait: service_test_helpers.hpp
using Replies = std::vector<std::string>;

namespace {

looplab::Task<std::string> connect_once(asio::io_context::executor_type executor, tcp::endpoint server) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    co_return "connected";
}

// Sends PING, reads the reply, sets *replied, then reads on until the server closes the connection.
looplab::Task<Replies> ping_then_wait(asio::io_context::executor_type executor, tcp::endpoint server, bool* replied) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    co_await asio::async_write(socket, asio::buffer(std::string("PING\n")), looplab::use_task);
    std::string buffer;
    const std::size_t end = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', looplab::use_task);
    Replies got{buffer.substr(0, end - 1)};
    buffer.erase(0, end);
    *replied = true;
    std::error_code error;
    try {
        co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', looplab::use_task);
    } catch (const std::system_error& failure) {
        error = failure.code();
    }
    got.push_back(error == asio::error::eof ? "(server closed)" : "(no eof: " + error.message() + ")");
    co_return got;
}

}  // namespace

TEST_CASE("stop before any client connects ends serve", "[lab09][stop]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());

    INFO("serve() runs as a task and waits in async_accept; then the test calls service.stop().");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    loop.call_soon([&] { service.stop(); }, "stop");
    REQUIRE(run_until_done(loop, server));

    INFO("Closing the acceptor makes the pending accept fail with operation_aborted; serve() sees it is stopping.");
    REQUIRE(outcome_of(static_cast<looplab::Future<void>>(server)) == "finished");
}

TEST_CASE("after stop a new connection is refused", "[lab09][stop]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());
    const tcp::endpoint where = service.endpoint();

    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    REQUIRE(stop_and_wait(loop, service, server));

    INFO("serve() has ended; then a client connects to the port the service had.");
    looplab::Task<std::string> late = looplab::create_task(connect_once(platform.get_executor(), where));
    REQUIRE(run_until_done(loop, late));

    INFO("stop() closed the listening socket, so nobody listens on the port any more.");
    REQUIRE(system_error_code(late.exception()) == asio::error::connection_refused);
}

TEST_CASE("stop ends an idle connection: its client sees the server close", "[lab09][stop]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());

    INFO("A client sends PING, reads PONG and then waits for more; once it has its PONG the test calls stop().");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    bool replied = false;
    looplab::Task<Replies> client =
        looplab::create_task(ping_then_wait(platform.get_executor(), service.endpoint(), &replied));
    looplab::Task<void> pong_seen = looplab::create_task(until([&] { return replied || client.done(); }));
    REQUIRE(run_until_done_or_server_ends(loop, pong_seen, server));
    REQUIRE(service.open_connections() == 1);
    service.stop();
    REQUIRE(run_until_done(loop, client));
    INFO("the client got: " << lines_of(client));
    REQUIRE_FALSE(client.exception());

    INFO("stop() cancels the connection's pending read; handle_connection ends, and run_connection closes the "
         "socket, which the client reads as EOF.");
    REQUIRE(client.result() == Replies{"PONG", "(server closed)"});
    REQUIRE(run_until_done(loop, server));
    REQUIRE(service.open_connections() == 0);
}

TEST_CASE("stop with a request in flight: the request gets its reply, then every task ends", "[lab09][stop]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    Gate lookup_may_return;
    looplab::Service* running = nullptr;
    auto lookup = [&](const looplab::Request& request) -> std::optional<std::string> {
        // On the worker: ask the loop to stop the service, and return only once it has.
        loop.call_soon_threadsafe([&] {
            running->stop();
            lookup_may_return.open();
        }, "stop the service");
        lookup_may_return.wait();
        return request.argument + "-value";
    };
    looplab::Service service(platform, lookup);
    running = &service;

    INFO("A client sends GET slow; while its lookup runs in the executor, the loop calls service.stop(); then the "
         "lookup returns. The client reads one reply and then waits for EOF.");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    looplab::Task<Replies> client =
        looplab::create_task(exchange(platform.get_executor(), service.endpoint(), "GET slow\n", 1, true));
    REQUIRE(run_until_done_or_server_ends(loop, client, server));
    INFO("the client got: " << lines_of(client));
    REQUIRE_FALSE(client.exception());

    INFO("stop() finds the connection awaiting dispatch, not the socket: the reply is still written, and then the "
         "connection sees it is stopping and ends.");
    REQUIRE(client.result() == Replies{"VALUE slow-value", "(server closed)"});
    REQUIRE(run_until_done(loop, server));
    REQUIRE(outcome_of(static_cast<looplab::Future<void>>(server)) == "finished");
    REQUIRE(service.open_connections() == 0);
    REQUIRE(service.connection_errors().empty());
}
