// Lab 06 demo: the seed scenario, the article in one program. Five ticker tasks tick every
// 50 ms while main needs a slow result from a blocking library (SQLite, about 500 ms). Two runs:
//
//   1. main calls the library on the loop thread: the loop stalls, no ticker ticks meanwhile;
//   2. main awaits loop.run_in_executor(nullptr, blocking_operation): the call runs on an
//      executor thread, the tickers keep ticking, and the result is processed asynchronously.
//
// Each run writes a trace: run 2 to the trace path, run 1 beside it as <path>-blocking.json.
//
//   ./looplab demo 6               runs this on your loop; the traces go to build/default/traces/
//   lab06_demo_yours [trace.json]  the program itself (default trace file: ./lab06-trace.json)
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "demo_runner.hpp"
#include "executor.hpp"
#include "task.hpp"
#include "third_party_lib.hpp"

using namespace std::chrono_literals;

namespace {

constexpr int tickers = 5;
constexpr looplab::Duration tick_period = 50ms;
constexpr std::chrono::milliseconds blocking_call = 500ms;

// The article's blocking_operation: a library call that knows nothing about event loops.
std::int64_t blocking_operation() {
    return third_party_lib::slow_query_for(blocking_call);
}

// The article's process_result, asynchronous: it awaits too.
looplab::Task<std::string> process_result(std::int64_t result) {
    co_await looplab::sleep(10ms);
    co_return fmt::format("sum {}", result);
}

// Ticks every `period` until `until`, counting ticks into `ticks`.
looplab::Task<void> ticker(int* ticks, looplab::Duration period, looplab::TimePoint until) {
    looplab::EventLoop& loop = looplab::get_running_loop();
    while (loop.time() < until) {
        ++*ticks;
        co_await looplab::sleep(period);
    }
}

// The scenario; `offload` picks the run. Returns how many ticks happened during the blocking call.
looplab::Task<int> main_coroutine(bool offload) {
    looplab::EventLoop& loop = looplab::get_running_loop();
    int ticks = 0;
    std::vector<looplab::Task<void>> running;
    for (int i = 0; i < tickers; ++i) {
        running.push_back(looplab::create_task(ticker(&ticks, tick_period, loop.time() + 900ms),
                                               fmt::format("ticker-{}", i)));
    }
    co_await looplab::sleep(200ms);

    const int ticks_before = ticks;
    const looplab::TimePoint call_started = loop.time();
    std::int64_t result = 0;
    if (offload) {
        // The article's second snippet, line for line.
        result = co_await loop.run_in_executor(nullptr, blocking_operation);
    } else {
        result = blocking_operation();  // the stall
    }
    const int ticks_during = ticks - ticks_before;
    const auto call_ms = std::chrono::duration_cast<std::chrono::milliseconds>(loop.time() - call_started).count();
    std::string processed = co_await process_result(result);

    for (auto& task : running) co_await task;
    fmt::print("  {}: {}; the call took {} ms, and the tickers ticked {} times meanwhile\n",
               offload ? "run_in_executor" : "on the loop   ", processed, call_ms, ticks_during);
    co_return ticks_during;
}

// One run on a fresh loop, recorded into its own trace.
void run_once(bool offload, const std::string& trace_path) {
    looplab::trace::start();
    looplab::EventLoop loop;
    loop.set_debug(true);
    looplab::Task<int> main_task = main_coroutine(offload);
    main_task.set_name("main");
    looplab::run_until_complete(loop, main_task);
    loop.close();
    looplab::trace::stop();
    looplab::trace::write_json(trace_path);
}

void run_demo(const std::string& trace_path) {
    std::string blocking_path = trace_path;
    blocking_path.insert(blocking_path.rfind(".json") == std::string::npos ? blocking_path.size()
                                                                         : blocking_path.rfind(".json"),
                         "-blocking");
    fmt::print("Run 1: the blocking call on the loop thread\n");
    run_once(/*offload=*/false, blocking_path);
    fmt::print("Trace of run 1 written to {}\n\nRun 2: the same call through run_in_executor\n", blocking_path);
    run_once(/*offload=*/true, trace_path);
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 6, run_demo);
}
