// Lab 01 demo: two "counters" take turns on your loop. Each callback reschedules itself with
// call_soon, so every iteration runs exactly one step of each, in FIFO order, and the trace
// shows the loop thread, one span per iteration, and an arrow from each call_soon to its run.
//
//   ./looplab demo 1               runs this on your loop; the trace goes to build/default/traces/
//   lab01_demo_yours [trace.json]  the program itself (default trace file: ./lab01-trace.json)
#include <cstdio>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "demo_runner.hpp"
#include "event_loop.hpp"

namespace {

// One step of a counter: prints `step`, then schedules the next step for the next iteration.
// The counter that finishes last stops the loop.
void count(looplab::EventLoop& loop, const std::string& name, int step, int last, bool stops_loop) {
    fmt::print("  {} says {}\n", name, step);
    if (step < last) {
        loop.call_soon([=, &loop] { count(loop, name, step + 1, last, stops_loop); }, name);
    } else if (stops_loop) {
        loop.stop();  // run_forever returns after this iteration
    }
}

void run_demo() {
    looplab::EventLoop loop;

    // 1. Two counters, interleaved: A1 B1 A2 B2 ... because the ready queue is first in, first out.
    loop.call_soon([&loop] { count(loop, "A", 1, 4, /*stops_loop=*/true); }, "A");
    loop.call_soon([&loop] { count(loop, "B", 1, 3, /*stops_loop=*/false); }, "B");

    // 2. A callback that is cancelled before it runs: it never prints.
    looplab::Handle doomed = loop.call_soon([] { fmt::print("  this never prints\n"); }, "cancelled");
    doomed.cancel();

    // 3. A callback that throws: the exception handler reports it and the loop carries on.
    loop.call_soon([] { throw std::runtime_error("a callback failed (on purpose)"); }, "thrower");

    // 4. Run until counter A, the longer one, calls stop().
    loop.run_forever();
    loop.close();
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 1, run_demo);
}
