// Lab 02 in C++: the same program as snippets/lab02.py. Checked beside it by ./looplab test.
#include <chrono>

#include <fmt/core.h>

#include "event_loop.hpp"

using namespace std::chrono_literals;

int main() {
    // snippet: main
    looplab::EventLoop loop;
    looplab::TimePoint start = loop.time();
    loop.call_later(100ms, [] { fmt::print("after 100 ms\n"); });   // relative: loop.time() + 100ms
    loop.call_at(start + 50ms, [] { fmt::print("at 50 ms\n"); });   // absolute: a deadline on the loop's clock
    looplab::TimerHandle handle = loop.call_later(20ms, [] { fmt::print("never\n"); });
    handle.cancel();                                                // stays in the heap, marked cancelled
    loop.call_later(200ms, [&] { loop.stop(); });
    loop.run_forever();                                             // "at 50 ms", then "after 100 ms"
    loop.close();
    // end snippet
}
