// lab09_serve: the capstone service as a real server, until Ctrl-C. The demo (demo.cpp) measures
// the service; this sibling program runs it for people: talk to it with netcat, then press Ctrl-C
// and watch it shut down cleanly.
//
//   build/default/labs/09-capstone/lab09_serve_yours [port]     (default port 7777, on 127.0.0.1)
//   printf 'PING\nGET answer\nQUOTE ACME\n' | nc -q1 127.0.0.1 7777
//
// Shutdown, in order: the SIGINT (or SIGTERM) handler calls Service::stop(), which closes the
// acceptor and the idle connections; requests already in a lookup still get their replies; then
// serve() returns, having waited for every connection task and joined the executor.
#include <csignal>
#include <cstdlib>
#include <string>

#include <asio/signal_set.hpp>
#include <fmt/format.h>

#include "asio_platform.hpp"
#include "event_loop.hpp"
#include "future.hpp"
#include "not_implemented.hpp"
#include "service.hpp"
#include "task.hpp"
#include "third_party_lib.hpp"
#include "use_task.hpp"

namespace {

// The blocking library: the real SQLite lookup, on an executor worker.
std::optional<std::string> lookup(const looplab::Request& request) {
    return third_party_lib::kv_lookup(request.kind == looplab::Request::Kind::quote ? "quotes" : "kv",
                                      request.argument);
}

// Waits for Ctrl-C (or SIGTERM) on the loop, through Asio, then asks the service to stop.
looplab::Task<void> stop_on_signal(looplab::AsioPlatform* platform, looplab::Service* service) {
    asio::signal_set signals(platform->context(), SIGINT, SIGTERM);
    looplab::Future<int> signalled = signals.async_wait(looplab::use_task);  // named: lab 07's g++ 12 hint
    const int signal = co_await signalled;
    fmt::print("\n{} received: stopping (in-flight requests still get their replies) ...\n",
               signal == SIGINT ? "SIGINT" : "SIGTERM");
    service->stop();
}

looplab::Task<void> serve_until_signal(looplab::AsioPlatform* platform, looplab::Service* service) {
    looplab::Task<void> watcher = looplab::create_task(stop_on_signal(platform, service), "signals");
    co_await service->serve();
    fmt::print("Stopped cleanly: {} connection(s) served, every task finished, the workers joined.\n",
               service->connections_accepted());
    watcher.cancel();  // when serve() ended for another reason, stop waiting for a signal
}

}  // namespace

int main(int argc, char** argv) {
    const int port = argc > 1 ? std::atoi(argv[1]) : 7777;
    if (port <= 0 || port > 65535) {
        fmt::print(stderr, "usage: {} [port]   (1..65535, default 7777)\n", argv[0]);
        return 2;
    }
    try {
        looplab::AsioPlatform platform;  // first: everything below dies before it
        looplab::EventLoop loop(platform);
        looplab::Service::Options options;
        options.port = static_cast<std::uint16_t>(port);
        looplab::Service service(platform, lookup, options);
        fmt::print("Serving on {}:{}; try: printf 'PING\\nGET answer\\nQUOTE ACME\\n' | nc -q1 127.0.0.1 {}\n"
                   "Ctrl-C stops it.\n", service.endpoint().address().to_string(), service.port(), service.port());
        looplab::Task<void> main_task = serve_until_signal(&platform, &service);
        looplab::run_until_complete(loop, main_task);
        loop.close();
    } catch (const looplab::not_implemented& missing) {
        fmt::print(stderr, "Your loop is not finished yet: {} still throws not_implemented.\n", missing.what());
        return 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "The server stopped with an exception: {}\n", error.what());
        return 1;
    }
    return 0;
}
