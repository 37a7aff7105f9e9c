// Lab 09 demo: the capstone service under load. One thread runs the loop, with the service and a
// load generator side by side on it: K client tasks, each sending N requests one after the other
// over loopback TCP and timing every reply. Every lookup is blocking SQLite work of a few
// milliseconds: the round trip to a database server (a thread sleeping, as it would in a
// blocking client library's recv), then the SQLite query itself (third_party_lib::kv_lookup).
// It runs twice:
//
//   1. lookups on the loop thread: each lookup stalls the loop, so requests are served one at
//      a time and every client queues behind all the others;
//   2. lookups in the service's executor (8 workers): the loop goes on reading, parsing and
//      writing while up to 8 lookups block their workers, not the loop.
//
// Each run prints its throughput (requests per second) and the latency its clients saw (p50,
// p99). The trace of run 2 shows the connection tasks on the loop's lane and the lookups as
// executor spans on the workers' lanes, eight at a time.
//
//   ./looplab demo 9               runs this on your loop; the trace goes to build/default/traces/
//   lab09_demo_yours [trace.json]  the program itself (default trace file: ./lab09-trace.json)
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>

#include "asio_platform.hpp"
#include "demo_runner.hpp"
#include "event_loop.hpp"
#include "service.hpp"
#include "task.hpp"
#include "third_party_lib.hpp"
#include "trace.hpp"
#include "use_task.hpp"

using namespace std::chrono_literals;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int clients = 16;               // K concurrent connections
constexpr int requests_per_client = 25;   // N requests each, one after the other
constexpr std::size_t workers = 8;
constexpr auto lookup_cost = 3ms;         // the network round trip of every lookup

// The "blocking library": the thread waits for the database's answer, then runs the real query.
// (A round trip mostly waits, so eight workers overlap it even on a two-core machine; CPU-bound
// work such as slow_query_for would only scale with the cores.)
std::optional<std::string> blocking_lookup(const looplab::Request& request) {
    std::this_thread::sleep_for(lookup_cost);
    return third_party_lib::kv_lookup(request.kind == looplab::Request::Kind::quote ? "quotes" : "kv",
                                      request.argument);
}

// One client of the load generator: N request/reply round trips; returns each one's latency.
looplab::Task<std::vector<double>> load_client(asio::io_context::executor_type executor, tcp::endpoint server,
                                               int number) {
    static const std::vector<std::string> requests = {"GET answer\n", "QUOTE ACME\n", "GET greeting\n",
                                                      "QUOTE LOOP\n", "GET nothing\n"};
    tcp::socket socket(executor);
    co_await socket.async_connect(server, looplab::use_task);
    std::vector<double> latencies_ms;
    std::string buffer;
    for (int i = 0; i < requests_per_client; ++i) {
        const std::string& request = requests[static_cast<std::size_t>(number + i) % requests.size()];
        const Clock::time_point sent = Clock::now();
        co_await asio::async_write(socket, asio::buffer(request), looplab::use_task);
        const std::size_t end = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                                                looplab::use_task);
        buffer.erase(0, end);
        latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
    }
    co_return latencies_ms;
}

double percentile(std::vector<double> sorted, double p) {
    std::sort(sorted.begin(), sorted.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

looplab::Task<void> load_test(looplab::AsioPlatform* platform, looplab::Service* service, const char* label) {
    looplab::Task<void> server = looplab::create_task(service->serve(), "server");
    const Clock::time_point start = Clock::now();
    std::vector<looplab::Task<std::vector<double>>> running;
    for (int i = 0; i < clients; ++i) {
        running.push_back(looplab::create_task(load_client(platform->get_executor(), service->endpoint(), i),
                                               fmt::format("client-{}", i)));
    }
    std::vector<double> latencies;
    for (auto& client : running) {
        std::vector<double> mine = co_await client;
        latencies.insert(latencies.end(), mine.begin(), mine.end());
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    service->stop();
    co_await server;
    fmt::print("  {}: {} requests in {:.2f} s: {:6.0f} req/s, latency p50 {:5.1f} ms, p99 {:5.1f} ms\n", label,
               latencies.size(), seconds, static_cast<double>(latencies.size()) / seconds,
               percentile(latencies, 0.50), percentile(latencies, 0.99));
}

void run_once(bool in_executor) {
    looplab::AsioPlatform platform;  // first: the loop, the service and every socket die before it
    looplab::EventLoop loop(platform);
    looplab::Service::Options options;
    options.lookups_in_executor = in_executor;
    options.workers = workers;
    looplab::Service service(platform, blocking_lookup, options);
    looplab::Task<void> main_task =
        load_test(&platform, &service, in_executor ? "lookups in the executor" : "lookups on the loop    ");
    main_task.set_name("main");
    looplab::run_until_complete(loop, main_task);
    loop.close();
}

void run_demo(const std::string& trace_path) {
    fmt::print("{} clients x {} requests, each lookup blocking for {} ms; executor: {} workers\n", clients,
               requests_per_client, lookup_cost.count(), workers);
    looplab::trace::stop();  // run 1 is not recorded
    run_once(/*in_executor=*/false);
    looplab::trace::start();
    run_once(/*in_executor=*/true);
    looplab::trace::stop();
    looplab::trace::write_json(trace_path);  // run_lab_demo says where
    fmt::print("(The trace records run 2 only, the lookups in the executor.)\n");
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 9, run_demo);
}
