// Lab 04 in C++: the same program as snippets/lab04.py. Checked beside it by ./looplab test.
#include <chrono>
#include <string>

#include <fmt/core.h>

#include "event_loop.hpp"
#include "task.hpp"

using namespace std::chrono_literals;

// snippet: main
// Parameters by value: the coroutine runs on after the caller's arguments are gone.
looplab::Task<std::string> worker(std::string name, looplab::Duration pause) {
    co_await looplab::sleep(pause);
    fmt::print("{} woke up\n", name);
    co_return name;
}

looplab::Task<std::string> main_coroutine() {
    auto t = looplab::create_task(worker("a", 100ms));   // a task of its own: first step in the next iteration
    std::string b = co_await worker("b", 50ms);          // awaited inline: part of main's task
    std::string a = co_await t;
    co_return a + b;
}

int main() {
    looplab::EventLoop loop;
    fmt::print("{}\n", looplab::run_until_complete(loop, main_coroutine()));   // "b woke up", "a woke up", "ab"
    loop.close();
}
// end snippet
