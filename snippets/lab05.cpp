// Lab 05 in C++: the same program as snippets/lab05.py. Checked beside it by ./looplab test.
#include <chrono>
#include <string>

#include <fmt/core.h>

#include "event_loop.hpp"
#include "task.hpp"
#include "third_party_lib.hpp"

using namespace std::chrono_literals;

// snippet: main
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

looplab::Task<void> main_coroutine() {
    int ticks = 0;
    auto task = looplab::create_task(ticker(&ticks, 10));
    co_await looplab::sleep(120ms);               // the ticker ticks twice meanwhile
    int before = ticks;
    blocking_operation();                          // the loop stalls here: nothing else runs
    fmt::print("ticks during the blocking call: {}\n", ticks - before);
    co_await task;                                 // the ticker's last ticks
}

int main() {
    looplab::EventLoop loop;
    loop.set_debug(true);
    loop.set_slow_callback_duration(100ms);        // the default
    loop.set_exception_handler([](looplab::EventLoop&, const looplab::ExceptionContext& context) {
        if (context.message.find("took") != std::string::npos) fmt::print("debug mode reported a slow step\n");
    });
    looplab::run_until_complete(loop, main_coroutine());
    loop.close();
}
// end snippet
