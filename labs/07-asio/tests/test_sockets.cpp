// Lab 07 specification, part 3: real sockets on the loop. A server task and a client task on the same loop, on one
// thread, talk over loopback TCP through use_task: accept, connect, write, read. A refused connection and a
// resolver (which Asio runs on a thread of its own) complete on the loop thread too. (asyncio: what
// asyncio.start_server and asyncio.open_connection do on the selector loop; CPython's test_streams.py.)
// See labs/07-asio/README.md and TUTORIAL.md#lab-07-natively-async-libraries-asio.
#include <array>
#include <cstddef>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <asio/connect.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include "asio_platform.hpp"
#include "asio_test_helpers.hpp"
#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "use_task.hpp"

using namespace looplab::testing;  // run_until_done, outcome_of, system_error_code: asio_test_helpers.hpp
using tcp = asio::ip::tcp;

namespace {

// An acceptor listening on 127.0.0.1 at a port the system picks.
tcp::acceptor listening_acceptor(asio::io_context& context) {
    return tcp::acceptor(context, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
}

// --- The tests' coroutines. Free functions taking their parameters by value (pointers for what the test owns). --

// Accepts one connection, reads what the client sends in one read, echoes it back and returns it.
looplab::Task<std::string> echo_once(tcp::acceptor* acceptor, std::vector<std::string>* log) {
    tcp::socket peer = co_await acceptor->async_accept(looplab::use_task);
    log->push_back("server accepted");
    std::array<char, 64> data{};
    const std::size_t received = co_await peer.async_read_some(asio::buffer(data), looplab::use_task);
    log->push_back("server read " + std::to_string(received) + " bytes");
    co_await asio::async_write(peer, asio::buffer(data.data(), received), looplab::use_task);
    co_return std::string(data.data(), received);
}

// Connects to `server`, sends `message`, and returns the reply of the same length.
looplab::Task<std::string> send_and_receive(asio::io_context::executor_type executor, tcp::endpoint server,
                                            std::string message, std::vector<std::string>* log) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    log->push_back("client connected");
    const std::size_t sent = co_await asio::async_write(socket, asio::buffer(message), looplab::use_task);
    log->push_back("client wrote " + std::to_string(sent) + " bytes");
    std::string reply(message.size(), '\0');
    co_await asio::async_read(socket, asio::buffer(reply), looplab::use_task);
    co_return reply;
}

// Connects to `server` and returns "connected", or lets the error go on up.
looplab::Task<std::string> just_connect(asio::io_context::executor_type executor, tcp::endpoint server) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    co_return "connected";
}

// Resolves host:port numerically (the resolver runs on a thread of Asio's own), then connects to what it found
// with the composed operation asio::async_connect. Says where each step resumed.
looplab::Task<std::string> resolve_and_connect(asio::io_context::executor_type executor, std::string host,
                                               std::string port, std::thread::id loop_thread) {
    tcp::resolver resolver(executor);
    tcp::resolver::results_type found =
        co_await resolver.async_resolve(host, port, tcp::resolver::numeric_host, looplab::use_task);
    std::string where = std::this_thread::get_id() == loop_thread ? "resolved on the loop thread"
                                                                  : "resolved on another thread";
    tcp::socket socket(executor);
    tcp::endpoint connected = co_await asio::async_connect(socket, found, looplab::use_task);
    where += connected.port() == std::stoi(port) ? ", connected to the right port" : ", connected elsewhere";
    co_return where;
}

}  // namespace

TEST_CASE("a server task and a client task on one loop exchange a message over loopback TCP",
          "[lab07][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    tcp::acceptor acceptor = listening_acceptor(platform.context());
    std::vector<std::string> server_log;
    std::vector<std::string> client_log;

    INFO("Task `server` awaits async_accept, async_read_some and async_write; task `client` awaits async_connect, "
         "async_write and async_read, all with looplab::use_task, all on the loop's one thread.");
    looplab::Task<std::string> server = looplab::create_task(echo_once(&acceptor, &server_log), "server");
    looplab::Task<std::string> client = looplab::create_task(
        send_and_receive(platform.get_executor(), acceptor.local_endpoint(), "hello, loop", &client_log), "client");
    REQUIRE(run_until_done(loop, client));
    REQUIRE(run_until_done(loop, server));

    INFO("While one task waits for the network, the other runs: each co_await returns a pending future and the "
         "wait step sleeps in epoll until a socket is ready. async_accept's result, a move-only socket, is moved "
         "into the task; a read's and a write's is the byte count.");
    REQUIRE(outcome_of(client) == "finished with \"hello, loop\"");
    REQUIRE(outcome_of(server) == "finished with \"hello, loop\"");
    REQUIRE(server_log == std::vector<std::string>{"server accepted", "server read 11 bytes"});
    REQUIRE(client_log == std::vector<std::string>{"client connected", "client wrote 11 bytes"});
}

TEST_CASE("connecting to a closed loopback port throws std::system_error with connection_refused",
          "[lab07][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);

    INFO("An acceptor took a free loopback port and was closed again; then a task connected to that port.");
    tcp::endpoint closed_port;
    {
        tcp::acceptor acceptor = listening_acceptor(platform.context());
        closed_port = acceptor.local_endpoint();
    }
    looplab::Task<std::string> task = looplab::create_task(just_connect(platform.get_executor(), closed_port));
    REQUIRE(run_until_done(loop, task));

    INFO("The kernel refuses the connection; Asio calls the handler with connection_refused, which the future "
         "holds as a std::system_error and co_await throws in the task.");
    REQUIRE(system_error_code(task.exception()) == std::error_code(asio::error::connection_refused));
}

TEST_CASE("a resolver and the composed asio::async_connect complete on the loop thread",
          "[lab07][complete_from_asio][wait]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    tcp::acceptor acceptor = listening_acceptor(platform.context());
    std::vector<std::string> server_log;

    INFO("A task resolves \"127.0.0.1\" and the acceptor's port with async_resolve, then connects with the "
         "composed operation asio::async_connect(socket, results, use_task); a server task accepts.");
    looplab::Task<std::string> server = looplab::create_task(echo_once(&acceptor, &server_log), "server");
    looplab::Task<std::string> client = looplab::create_task(
        resolve_and_connect(platform.get_executor(), "127.0.0.1", std::to_string(acceptor.local_endpoint().port()),
                            std::this_thread::get_id()),
        "client");
    REQUIRE(run_until_done(loop, client));

    INFO("Asio resolves on a private thread of its own, then hands the completion to the io_context: the post wakes "
         "the wait step, and the handler runs on the loop thread like every other.");
    REQUIRE(outcome_of(client) == "finished with \"resolved on the loop thread, connected to the right port\"");
    REQUIRE(server_log == std::vector<std::string>{"server accepted"});
    server.cancel();  // it still waits for the client's message
    REQUIRE(run_until_done(loop, server));
}
