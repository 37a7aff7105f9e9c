// Lab 01 in C++: the same program as snippets/lab01.py, on the loop you build.
// TUTORIAL.md shows the part between the snippet markers; ./looplab test builds this file
// against the reference loop, runs it beside lab01.py and checks that both print the same lines.
#include <fmt/core.h>

#include "event_loop.hpp"

int main() {
    // snippet: main
    looplab::EventLoop loop;
    loop.call_soon([] { fmt::print("first\n"); });
    looplab::Handle handle = loop.call_soon([] { fmt::print("never\n"); });
    handle.cancel();                                // a cancelled callback is skipped
    loop.call_soon([] { fmt::print("second\n"); });
    loop.call_soon([&] { loop.stop(); });           // run_forever returns after this iteration
    loop.run_forever();                             // prints "first", then "second"
    loop.close();
    // end snippet
}
