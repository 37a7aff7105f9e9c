// Hostile clients: the capstone service (solutions/loop/service.cpp) on loopback, with clients
// on the same loop, as in lab 09's tests. Garbage, lines far over max_line_length, a client that
// trickles one byte per loop turn, thousands that connect and reset: meanwhile a well-behaved
// client keeps getting correct replies, and afterwards nothing of the hostile ones is left.
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include <asio/socket_base.hpp>

#include "asio_platform.hpp"
#include "looplab_catch.hpp"
#include "os.hpp"
#include "service_test_helpers.hpp"
#include "stress_helpers.hpp"

using namespace looplab::testing;  // exchange, small_tables, until, stop_and_wait: service_test_helpers.hpp
using looplab::stress::scaled;
using Replies = std::vector<std::string>;

namespace {

// What the well-behaved client saw: replies that were right, and anything else.
struct Steady {
    int good = 0;
    std::vector<std::string> bad;
};

// One connection, asking GET answer again and again until *done, checking each reply.
looplab::Task<void> well_behaved(asio::io_context::executor_type executor, tcp::endpoint server, const bool* done,
                                 Steady* seen) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    std::string buffer;
    while (!*done) {
        co_await asio::async_write(socket, asio::buffer(std::string("GET answer\n")), looplab::use_task);
        const std::size_t end = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                                                looplab::use_task);
        std::string reply = buffer.substr(0, end - 1);
        buffer.erase(0, end);
        if (reply == "VALUE 42") {
            ++seen->good;
        } else {
            seen->bad.push_back(reply);
        }
    }
}

// Runs the loop until `wanted` is done or the server ends, bounded by stress_limit.
template <class T>
bool run_until(looplab::EventLoop& loop, looplab::Future<T> wanted, looplab::Future<void> server) {
    looplab::TimerHandle safety = loop.call_later(looplab::stress::stress_limit, [&loop] { loop.stop(); }, "safety");
    const auto a = wanted.add_done_callback([&loop](looplab::Future<T>&) { loop.stop(); });
    const auto b = server.add_done_callback([&loop](looplab::Future<void>&) { loop.stop(); });
    loop.run_forever();
    safety.cancel();
    wanted.remove_done_callback(a);
    server.remove_done_callback(b);
    return wanted.done();
}

// Connects, maybe sends `request`, then resets the connection (SO_LINGER 0: an RST, not a FIN).
looplab::Task<void> connect_and_reset(asio::io_context::executor_type executor, tcp::endpoint server,
                                      std::string request) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    if (!request.empty()) co_await asio::async_write(socket, asio::buffer(request), looplab::use_task);
    socket.set_option(asio::socket_base::linger(true, 0));
    socket.close();
}

// Reads `count` reply lines from a connected socket, without their '\n'.
looplab::Task<Replies> read_lines(tcp::socket& socket, int count) {
    Replies got;
    std::string buffer;
    for (int i = 0; i < count; ++i) {
        const std::size_t end = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                                                looplab::use_task);
        got.push_back(buffer.substr(0, end - 1));
        buffer.erase(0, end);
    }
    co_return got;
}

// Sends `bytes` one per loop turn, then reads `replies` lines.
looplab::Task<Replies> trickle(asio::io_context::executor_type executor, tcp::endpoint server, std::string bytes,
                               int replies) {
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    for (char byte : bytes) {
        co_await asio::async_write(socket, asio::buffer(&byte, 1), looplab::use_task);
        co_await looplab::yield_now();
    }
    co_return co_await read_lines(socket, replies);
}

// Writes `request` on a connected socket, then reads `replies` lines.
looplab::Task<Replies> ask(tcp::socket& socket, std::string request, int replies) {
    co_await asio::async_write(socket, asio::buffer(request), looplab::use_task);
    co_return co_await read_lines(socket, replies);
}

// Gives the loop `count` turns.
looplab::Task<void> turns(int count) {
    for (int i = 0; i < count; ++i) co_await looplab::yield_now();
}

std::size_t open_file_descriptors() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
    return count;
}

std::string first_of(const std::vector<std::string>& lines) { return lines.empty() ? "none" : lines.front(); }

}  // namespace

TEST_CASE("garbage and lines far over max_line_length get ERR replies while a well-behaved client is served",
          "[hostile]") {
    const std::uint64_t seed = looplab::stress::stress_seed();
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    bool done = false;
    Steady steady;
    looplab::Task<void> steady_client = looplab::create_task(
        well_behaved(platform.get_executor(), service.endpoint(), &done, &steady), "well-behaved");

    const int garbage_lines = 500;
    std::string garbage;
    for (int i = 0; i < garbage_lines; ++i) {
        const int length = 1 + static_cast<int>(rng() % 200);
        for (int k = 0; k < length; ++k) {
            char byte = static_cast<char>(rng() % 256);
            garbage += byte == '\n' ? '\x01' : byte;  // a non-printable byte either way
        }
        garbage += '\n';
    }
    garbage += std::string(1 << 20, 'x') + "\nPING\n";  // 1 MiB in one line, then a good request
    INFO(garbage_lines << " lines of random bytes, then a line of 1 MiB (max_line_length is "
         << looplab::max_line_length << "), then PING, in one write; a well-behaved client asks GET answer meanwhile.");
    looplab::Task<Replies> hostile = looplab::create_task(
        exchange(platform.get_executor(), service.endpoint(), garbage, garbage_lines + 2), "garbage");
    REQUIRE(run_until(loop, hostile, server));
    done = true;
    REQUIRE(run_until(loop, steady_client, server));
    INFO("connection errors: " << first_of(service.connection_errors()));
    REQUIRE_FALSE(hostile.exception());
    REQUIRE_FALSE(steady_client.exception());

    const Replies& got = hostile.result();
    int not_err = 0;
    for (int i = 0; i < garbage_lines; ++i) not_err += got[i].rfind("ERR ", 0) != 0;
    INFO("garbage replies that were not ERR: " << not_err);
    REQUIRE(not_err == 0);
    REQUIRE(got[garbage_lines] == "ERR line too long");
    REQUIRE(got[garbage_lines + 1] == "PONG");
    INFO("the well-behaved client: " << steady.good << " right replies, first wrong one: " << first_of(steady.bad));
    REQUIRE(steady.bad.empty());
    REQUIRE(steady.good > 0);
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("a client trickling one byte per loop turn is answered and holds up nobody", "[hostile]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    bool done = false;
    Steady steady;
    looplab::Task<void> steady_client = looplab::create_task(
        well_behaved(platform.get_executor(), service.endpoint(), &done, &steady), "well-behaved");

    const std::string slow = std::string(3 * looplab::max_line_length, 'y') + "\nGET answer\n";
    INFO("The trickler sends " << slow.size() << " bytes, one per loop turn: a line 3x max_line_length, then GET answer.");
    looplab::Task<Replies> trickler =
        looplab::create_task(trickle(platform.get_executor(), service.endpoint(), slow, 2), "trickler");
    REQUIRE(run_until(loop, trickler, server));
    const int served_meanwhile = steady.good;
    done = true;
    REQUIRE(run_until(loop, steady_client, server));
    REQUIRE_FALSE(trickler.exception());
    REQUIRE(trickler.result() == Replies{"ERR line too long", "VALUE 42"});
    INFO("the well-behaved client: " << served_meanwhile << " right replies while the trickler sent; first wrong one: "
         << first_of(steady.bad));
    REQUIRE(steady.bad.empty());
    REQUIRE(served_meanwhile >= 10);
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("thousands of clients that connect and reset leave no connection, socket or error record behind",
          "[hostile]") {
    const int clients = scaled(2'400);
    const int at_once = 100;
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    bool done = false;
    Steady steady;
    looplab::Task<void> steady_client = looplab::create_task(
        well_behaved(platform.get_executor(), service.endpoint(), &done, &steady), "well-behaved");
    looplab::Task<void> connected = looplab::create_task(until([&] { return service.open_connections() == 1; }));
    REQUIRE(run_until(loop, connected, server));
    const std::size_t fds_before = open_file_descriptors();

    INFO(clients << " clients, " << at_once << " at a time: a third reset right after connecting, a third after half "
         "a request, a third right after a whole request (so the reply meets a reset socket). A well-behaved client "
         "asks GET answer all along.");
    const std::string requests[] = {"", "GET ans", "GET answer\n"};
    for (int first = 0; first < clients; first += at_once) {
        std::vector<looplab::Task<void>> batch;
        for (int i = first; i < first + at_once && i < clients; ++i) {
            batch.push_back(looplab::create_task(
                connect_and_reset(platform.get_executor(), service.endpoint(), requests[i % 3]), "resetter"));
        }
        for (auto& client : batch) {
            REQUIRE(run_until(loop, client, server));
            INFO("a resetting client failed: " << outcome_of(static_cast<looplab::Future<void>>(client)));
            REQUIRE_FALSE(client.exception());
        }
    }
    looplab::Task<void> all_ended = looplab::create_task(until([&] {
        return service.connections_accepted() == static_cast<std::size_t>(clients) + 1 &&
               service.open_connections() == 1;
    }));
    REQUIRE(run_until(loop, all_ended, server));

    INFO("Afterwards one more client asks PING (its accept drops every ended connection), then the well-behaved one "
         "stops.");
    looplab::Task<Replies> last = looplab::create_task(exchange(platform.get_executor(), service.endpoint(), "PING\n", 1));
    REQUIRE(run_until(loop, last, server));
    REQUIRE_FALSE(last.exception());
    REQUIRE(last.result() == Replies{"PONG"});
    const std::size_t tracked = service.tracked_connections();
    done = true;
    REQUIRE(run_until(loop, steady_client, server));
    looplab::Task<void> settled = looplab::create_task(until([&] { return service.open_connections() == 0; }));
    REQUIRE(run_until(loop, settled, server));
    const std::size_t fds_after = open_file_descriptors();

    INFO("the well-behaved client: " << steady.good << " right replies; first wrong one: " << first_of(steady.bad));
    REQUIRE(steady.bad.empty());
    REQUIRE(steady.good > 0);
    INFO("connections tracked after the last accept: " << tracked << " (the well-behaved one and the last client)");
    REQUIRE(tracked <= 2);
    INFO("open file descriptors: " << fds_before << " with the well-behaved client connected, " << fds_after
         << " after everyone left (its two sockets closed)");
    REQUIRE(fds_after + 2 <= fds_before);
    INFO("connection errors: " << service.connection_error_count() << ", kept: " << service.connection_errors().size()
         << ", first: " << first_of(service.connection_errors()));
    REQUIRE(service.connection_errors().size() <= looplab::Service::kept_connection_errors);
    REQUIRE(stop_and_wait(loop, service, server));
}

TEST_CASE("a server out of file descriptors pauses before it accepts again, then serves the client that waited",
          "[hostile]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    looplab::Service service(platform, small_tables());
    looplab::Task<void> server = looplab::create_task(service.serve(), "server");
    tcp::socket client(platform.get_executor());
    client.open(tcp::v4());  // while descriptors are left: connecting needs no new one
    looplab::os::FileDescriptorsTaken taken;
    REQUIRE(taken.taken() > 0);
    client.connect(service.endpoint());  // the kernel completes it into the listen backlog

    INFO("Every file descriptor of the process is taken, and a client waits in the backlog: each accept fails "
         "with EMFILE. Over 200 loop turns, serve() must try once and then pause for "
         "Service::accept_retry_delay, not retry on every turn.");
    looplab::Task<void> spun = looplab::create_task(turns(200), "turns");
    REQUIRE(run_until(loop, spun, server));
    const std::size_t failed = service.failed_accepts();
    taken.give_back();
    INFO("accepts that failed during the 200 turns: " << failed);
    CHECK(failed >= 1);
    CHECK(failed <= 2);

    INFO("With descriptors free again, the pause ends, the waiting client is accepted and PING gets PONG.");
    looplab::Task<Replies> reply = looplab::create_task(ask(client, "PING\n", 1), "waiting client");
    REQUIRE(run_until(loop, reply, server));
    REQUIRE_FALSE(reply.exception());
    REQUIRE(reply.result() == Replies{"PONG"});
    REQUIRE(stop_and_wait(loop, service, server));
}
