// Lab 03 demo: futures on your loop, before there are coroutines. A timer plays the part of a
// slow operation: it completes a future 200 ms later. Done callbacks react to the result, and
// run_until_complete drives the loop until the future is done. The trace marks each future's
// completion and shows its callbacks running in the next iteration, never inline.
//
//   ./looplab demo 3               runs this on your loop; the trace goes to build/default/traces/
//   lab03_demo_yours [trace.json]  the program itself (default trace file: ./lab03-trace.json)
#include <chrono>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "demo_runner.hpp"
#include "event_loop.hpp"
#include "future.hpp"

using namespace std::chrono_literals;

namespace {

// A "slow operation": returns a future that a timer completes `delay` from now.
looplab::Future<std::string> fetch(looplab::EventLoop& loop, std::string what, looplab::Duration delay) {
    looplab::Future<std::string> reply(loop, "fetch " + what);
    loop.call_later(delay, [reply, what]() mutable { reply.set_result("contents of " + what); }, "reply " + what);
    return reply;
}

void run_demo() {
    looplab::EventLoop loop;

    // 1. Two operations in flight at once; a done callback reacts to the first.
    looplab::Future<std::string> page = fetch(loop, "page.html", 200ms);
    looplab::Future<std::string> style = fetch(loop, "style.css", 100ms);
    style.add_done_callback([](looplab::Future<std::string>& done) { fmt::print("  callback: {}\n", done.result()); });

    // 2. run_until_complete runs the loop until `page` is done, and returns its result.
    std::string contents = looplab::run_until_complete(loop, page);
    fmt::print("  run_until_complete returned: {}\n", contents);

    // 3. A future that fails: run_until_complete rethrows its exception.
    looplab::Future<int> failing(loop, "failing");
    loop.call_later(50ms, [failing]() mutable {
        failing.set_exception(std::make_exception_ptr(std::runtime_error("the server said no")));
    }, "fail");
    try {
        looplab::run_until_complete(loop, failing);
    } catch (const std::runtime_error& error) {
        fmt::print("  run_until_complete rethrew: {}\n", error.what());
    }

    // 4. A cancelled future: its callbacks still run, and result() throws CancelledError.
    looplab::Future<int> abandoned(loop, "abandoned");
    abandoned.add_done_callback([](looplab::Future<int>& done) {
        fmt::print("  callback: cancelled? {}\n", done.cancelled());
    });
    loop.call_soon([abandoned]() mutable { abandoned.cancel("nobody wants it"); }, "cancel");
    try {
        looplab::run_until_complete(loop, abandoned);
    } catch (const looplab::CancelledError& error) {
        fmt::print("  run_until_complete threw CancelledError: {}\n", error.what());
    }
    loop.close();
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 3, run_demo);
}
