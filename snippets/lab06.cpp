// Lab 06 in C++: the same program as snippets/lab06.py. Checked beside it by ./looplab test.
#include <chrono>
#include <string>

#include <fmt/core.h>

#include "event_loop.hpp"
#include "executor.hpp"
#include "task.hpp"
#include "third_party_lib.hpp"

using namespace std::chrono_literals;

namespace {

std::string blocking_operation() {
    third_party_lib::slow_query_for(300ms);   // real SQLite work that holds the thread for 300 ms
    return "data";
}

looplab::Task<void> ticker(int* ticks, int count) {
    for (int i = 0; i < count; ++i) {
        co_await looplab::sleep(50ms);
        ++*ticks;
    }
}

}  // namespace

// snippet: main
looplab::Task<void> process_result(std::string result) {
    co_await looplab::sleep(0ms);                  // asynchronous work on the result
    fmt::print("processed {}\n", result);
}

looplab::Task<void> main_coroutine() {
    looplab::EventLoop& loop = looplab::get_running_loop();
    int ticks = 0;
    auto task = looplab::create_task(ticker(&ticks, 10));
    // Offload the blocking operation to a separate thread
    std::string result = co_await loop.run_in_executor(nullptr, blocking_operation);
    fmt::print("the ticker kept ticking: {}\n", ticks >= 3 ? "yes" : "no");
    // Process the result asynchronously
    co_await process_result(result);
    std::string data = co_await looplab::to_thread(blocking_operation);   // the same, shorter: the default executor
    fmt::print("to_thread gave {}\n", data);
    co_await task;                                 // the ticker's last ticks
}
// end snippet

int main() {
    looplab::EventLoop loop;
    looplab::run_until_complete(loop, main_coroutine());
    loop.close();
}
