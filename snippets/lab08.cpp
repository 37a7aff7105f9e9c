// Lab 08 in C++: the same program as snippets/lab08.py. Checked beside it by ./looplab test.
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "combinators.hpp"
#include "event_loop.hpp"
#include "task.hpp"

using namespace std::chrono_literals;

// What Python's print(outcome) shows: the value, or the exception's message.
std::string describe(const looplab::Outcome<std::string>& outcome) {
    try {
        return outcome.get();
    } catch (const std::exception& error) {
        return error.what();
    }
}

// snippet: main
looplab::Task<std::string> fetch(std::string name, looplab::Duration delay) {
    co_await looplab::sleep(delay);
    if (name == "broken") throw std::runtime_error("broken page");
    co_return name;
}

looplab::Task<void> main_coroutine() {
    auto [home, profile] = co_await looplab::gather(fetch("home", 50ms), fetch("profile", 20ms));
    fmt::print("gathered: {} {}\n", home, profile);                       // in argument order
    std::vector<looplab::Task<std::string>> fetches;
    fetches.push_back(fetch("about", 10ms));
    fetches.push_back(fetch("broken", 10ms));
    std::vector<looplab::Outcome<std::string>> outcomes = co_await looplab::gather_settled(std::move(fetches));
    for (const auto& outcome : outcomes) {
        fmt::print("settled: {}\n", describe(outcome));                   // a value, or the exception
    }
    try {
        co_await looplab::wait_for(fetch("search", 250ms), 150ms);        // cancelled after 150 ms
    } catch (const looplab::TimeoutError&) {
        fmt::print("search timed out\n");
    }
}
// end snippet

int main() {
    looplab::EventLoop loop;
    looplab::run_until_complete(loop, main_coroutine());
    loop.close();
}
