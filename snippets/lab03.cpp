// Lab 03 in C++: the same program as snippets/lab03.py. Checked beside it by ./looplab test.
#include <chrono>

#include <fmt/core.h>

#include "event_loop.hpp"
#include "future.hpp"

using namespace std::chrono_literals;

int main() {
    // snippet: main
    looplab::EventLoop loop;
    looplab::Future<int> fut(loop);
    fut.add_done_callback([](looplab::Future<int>& f) { fmt::print("done: {}\n", f.result()); });
    loop.call_later(100ms, [fut]() mutable { fut.set_result(42); });   // a copy shares the same future
    fmt::print("{}\n", looplab::run_until_complete(loop, fut));         // "done: 42", then 42
    loop.close();
    // end snippet
}
