// Lab 09 specification, part 2: the service at work. A real Service on an AsioPlatform, and client tasks on the
// same loop talking to it over loopback TCP (127.0.0.1, a port the system picks). Every request gets one reply
// line, in order; bad requests get an ERR reply and the connection goes on; a client that vanishes costs nothing;
// and a slow lookup in the executor does not hold up anybody else. (asyncio: asyncio.start_server with a handler
// per connection and run_in_executor for the database; CPython's test_streams.py.)
// See labs/09-capstone/README.md and TUTORIAL.md#lab-09-capstone-an-async-service.
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "asio_platform.hpp"
#include "looplab_catch.hpp"
#include "service_test_helpers.hpp"
#include "third_party_lib.hpp"

using namespace looplab::testing;  // exchange, run_until_done_or_server_ends, stop_and_wait: service_test_helpers.hpp
using Replies = std::vector<std::string>;

TEST_CASE("a client on the same loop gets replies to PING, GET and QUOTE", "[lab09][handle_connection]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());
    REQUIRE(service.endpoint().address().to_string() == "127.0.0.1");
    REQUIRE(service.port() != 0);

    INFO("The service listens on 127.0.0.1 at the port the system picked (service.port()). One client sends "
         "\"PING\\n\", then \"GET answer\\n\", \"QUOTE ACME\\n\", \"GET nothing\\n\", each in its own connection.");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    std::vector<looplab::Task<Replies>> clients;
    for (std::string request : {"PING\n", "GET answer\n", "QUOTE ACME\n", "GET nothing\n"}) {
        clients.push_back(looplab::create_task(exchange(platform.get_executor(), service.endpoint(), request, 1)));
    }
    for (auto& client : clients) {
        REQUIRE(run_until_done_or_server_ends(loop, client, server));
        INFO("connection errors: " << (service.connection_errors().empty() ? "none" : service.connection_errors()[0]));
        INFO("the client: " << outcome_of(static_cast<looplab::Future<Replies>>(client)));
        REQUIRE_FALSE(client.exception());
    }
    REQUIRE(clients[0].result() == Replies{"PONG"});
    REQUIRE(clients[1].result() == Replies{"VALUE 42"});
    REQUIRE(clients[2].result() == Replies{"QUOTE ACME 101.25"});
    REQUIRE(clients[3].result() == Replies{"NOT_FOUND"});
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("pipelined requests sent in one write are answered in order", "[lab09][handle_connection]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());

    INFO("One client sends four requests in a single write, then reads four lines.");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    looplab::Task<Replies> client = looplab::create_task(exchange(
        platform.get_executor(), service.endpoint(), "GET greeting\nPING\nQUOTE ACME\nGET answer\n", 4));
    REQUIRE(run_until_done_or_server_ends(loop, client, server));
    INFO("the client got: " << lines_of(client));
    REQUIRE_FALSE(client.exception());

    INFO("One request at a time per connection: read a line, answer it, read the next. The rest of the write waits "
         "in the reader's buffer.");
    REQUIRE(client.result() == Replies{"VALUE hello", "PONG", "QUOTE ACME 101.25", "VALUE 42"});
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("malformed requests get ERR replies and the connection serves the next request",
          "[lab09][handle_connection]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());

    INFO("One client sends garbage, an empty line, a GET without key, non-ASCII bytes, a CRLF line and a PING.");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    looplab::Task<Replies> client = looplab::create_task(
        exchange(platform.get_executor(), service.endpoint(),
                 "HELLO there\n\nGET\nGET caf\xc3\xa9\nGET answer\r\nPING\n", 6));
    REQUIRE(run_until_done_or_server_ends(loop, client, server));
    INFO("the client got: " << lines_of(client));
    REQUIRE_FALSE(client.exception());
    REQUIRE(client.result() == Replies{"ERR unknown command", "ERR empty line", "ERR usage: GET <key>",
                                       "ERR non-ASCII bytes", "VALUE 42", "PONG"});
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("a line longer than max_line_length gets ERR line too long and the connection goes on",
          "[lab09][handle_connection]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());

    const std::string longest_key(looplab::max_line_length - 4, 'k');  // "GET " + key: exactly the limit
    INFO("One client sends a GET of exactly max_line_length bytes, then one of 5000 bytes, then GET answer.");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    looplab::Task<Replies> client = looplab::create_task(
        exchange(platform.get_executor(), service.endpoint(),
                 "GET " + longest_key + "\nGET " + std::string(4996, 'x') + "\nGET answer\n", 3));
    REQUIRE(run_until_done_or_server_ends(loop, client, server));
    INFO("the client got: " << lines_of(client));
    REQUIRE_FALSE(client.exception());

    INFO("The reader never holds more than max_line_length + 1 bytes: it drops the long line up to its '\\n' and "
         "returns too_long; handle_connection answers line_too_long() and reads on.");
    REQUIRE(client.result() == Replies{"NOT_FOUND", "ERR line too long", "VALUE 42"});
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("a client that closes right after sending a request costs the server nothing",
          "[lab09][handle_connection]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());

    INFO("Client A connects, sends \"GET answer\\n\" and closes its socket without reading. Then client B asks "
         "PING. Then the test waits until both connection tasks have ended.");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    looplab::Task<Replies> vanishing =
        looplab::create_task(exchange(platform.get_executor(), service.endpoint(), "GET answer\n", 0), "A");
    REQUIRE(run_until_done_or_server_ends(loop, vanishing, server));
    looplab::Task<Replies> client =
        looplab::create_task(exchange(platform.get_executor(), service.endpoint(), "PING\n", 1), "B");
    REQUIRE(run_until_done_or_server_ends(loop, client, server));
    INFO("client B got: " << lines_of(client));
    REQUIRE_FALSE(client.exception());
    REQUIRE(client.result() == Replies{"PONG"});

    looplab::Task<void> both_ended = looplab::create_task(
        until([&] { return service.connections_accepted() == 2 && service.open_connections() == 0; }));
    INFO("A's reply may fail to send, or its next read ends with EOF or a reset: either way its connection task "
         "ends, without an exception of its own, and the server goes on.");
    REQUIRE(run_until_done_or_server_ends(loop, both_ended, server));
    REQUIRE_FALSE(server.done());
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("a slow lookup in the executor does not hold up another client's request", "[lab09][dispatch]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    Gate slow_lookup_may_return;
    std::vector<std::string> log;
    auto lookup = [&](const looplab::Request& request) -> std::optional<std::string> {
        if (request.argument == "slow") slow_lookup_may_return.wait();
        return request.argument + "-value";
    };
    looplab::Service service(platform, lookup);  // lookups_in_executor is the default

    INFO("Client A asks GET slow, whose lookup blocks its worker until client B has its reply; client B asks GET "
         "fast. With the lookup on the loop thread, A's lookup would block the loop and B would never be "
         "answered (the kit stops the test after 5 s).");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    auto slow_client = [&]() -> looplab::Task<void> {
        Replies got = co_await exchange(platform.get_executor(), service.endpoint(), "GET slow\n", 1);
        log.push_back("A got " + got[0]);
    };
    auto fast_client = [&]() -> looplab::Task<void> {
        Replies got = co_await exchange(platform.get_executor(), service.endpoint(), "GET fast\n", 1);
        log.push_back("B got " + got[0]);
        slow_lookup_may_return.open();
    };
    looplab::Task<void> a = looplab::create_task(slow_client(), "A");
    looplab::Task<void> b = looplab::create_task(fast_client(), "B");
    REQUIRE(run_until_done_or_server_ends(loop, a, server));
    REQUIRE(run_until_done_or_server_ends(loop, b, server));
    INFO("connection errors: " << (service.connection_errors().empty() ? "none" : service.connection_errors()[0]));
    REQUIRE(log == std::vector<std::string>{"B got VALUE fast-value", "A got VALUE slow-value"});
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("lookups run on a worker thread by default and on the loop thread when switched off",
          "[lab09][dispatch]") {
    for (const bool in_executor : {true, false}) {
        looplab::AsioPlatform platform;
        looplab::EventLoop loop(platform);
        std::optional<std::thread::id> ran_on;
        auto lookup = [&](const looplab::Request&) -> std::optional<std::string> {
            ran_on = std::this_thread::get_id();
            return "here";
        };
        looplab::Service::Options options;
        options.lookups_in_executor = in_executor;
        looplab::Service service(platform, lookup, options);

        INFO("lookups_in_executor = " << std::boolalpha << in_executor << "; one client asks GET where and PING.");
        looplab::Task<void> server = looplab::create_task(service.serve(), "server");
        looplab::Task<Replies> client = looplab::create_task(
            exchange(platform.get_executor(), service.endpoint(), "GET where\nPING\n", 2));
        REQUIRE(run_until_done_or_server_ends(loop, client, server));
        INFO("the client got: " << lines_of(client));
        REQUIRE_FALSE(client.exception());
        REQUIRE(client.result() == Replies{"VALUE here", "PONG"});
        REQUIRE(ran_on.has_value());
        INFO("dispatch hands the lookup to loop.run_in_executor on the service's executor, or calls it in place.");
        REQUIRE((*ran_on == std::this_thread::get_id()) == !in_executor);
        REQUIRE(stop_and_wait(loop, service, server));
    }
}

TEST_CASE("the real SQLite lookup answers through the executor", "[lab09][dispatch]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, [](const looplab::Request& request) {
        return third_party_lib::kv_lookup(request.kind == looplab::Request::Kind::quote ? "quotes" : "kv",
                                          request.argument);
    });

    INFO("third_party_lib::kv_lookup: a blocking SQLite query, one in-memory database per worker thread.");
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    looplab::Task<Replies> client = looplab::create_task(exchange(
        platform.get_executor(), service.endpoint(), "GET loop\nQUOTE LOOP\nQUOTE NOPE\n", 3));
    REQUIRE(run_until_done_or_server_ends(loop, client, server));
    INFO("the client got: " << lines_of(client));
    REQUIRE_FALSE(client.exception());
    REQUIRE(client.result() == Replies{"VALUE asyncio", "QUOTE LOOP 42.00", "NOT_FOUND"});
    REQUIRE(stop_and_wait(loop, service, server));
}
