// Lab 02 demo: timers on your loop, in real time. A ticker fires every 100 ms, a one-shot
// timer fires at 250 ms, and a timer that is cancelled never fires. Between them the loop
// sleeps: the trace shows each wait as a span that ends exactly when the next timer is due.
//
//   ./looplab demo 2               runs this on your loop; the trace goes to build/default/traces/
//   lab02_demo_yours [trace.json]  the program itself (default trace file: ./lab02-trace.json)
#include <chrono>
#include <string>

#include <fmt/format.h>

#include "demo_runner.hpp"
#include "event_loop.hpp"

using namespace std::chrono_literals;

namespace {

// Milliseconds since `start`, for the printout.
long long elapsed_ms(const looplab::EventLoop& loop, looplab::TimePoint start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(loop.time() - start).count();
}

// One tick, then the next one 100 ms later, until `ticks_left` runs out; the last tick stops the loop.
void tick(looplab::EventLoop& loop, looplab::TimePoint start, int ticks_left) {
    fmt::print("  {:>4} ms  tick\n", elapsed_ms(loop, start));
    if (ticks_left > 1) {
        loop.call_later(100ms, [&loop, start, ticks_left] { tick(loop, start, ticks_left - 1); }, "tick");
    } else {
        loop.stop();
    }
}

void run_demo() {
    looplab::EventLoop loop;
    const looplab::TimePoint start = loop.time();

    // 1. A ticker: each tick schedules the next with call_later.
    loop.call_later(100ms, [&loop, start] { tick(loop, start, 5); }, "tick");

    // 2. A one-shot timer at an absolute deadline, with call_at.
    loop.call_at(start + 250ms, [&loop, start] { fmt::print("  {:>4} ms  one-shot\n", elapsed_ms(loop, start)); },
                 "one-shot");

    // 3. A timer cancelled before it is due: the loop drops it and never wakes up for it.
    looplab::TimerHandle doomed = loop.call_later(150ms, [] { fmt::print("  this never prints\n"); }, "cancelled");
    doomed.cancel();

    // 4. Run until the fifth tick stops the loop, 500 ms in.
    loop.run_forever();
    loop.close();
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 2, run_demo);
}
