// Lab 05 demo: the stall. Five ticker tasks tick every 50 ms; then main calls a real blocking
// library function (a SQLite query sized to take about 500 ms) right on the loop thread. Until it
// returns, nothing else runs: no tick, no timer, nothing. Debug mode reports the culprit, and the
// demo measures the stall from the tickers' point of view.
//
//   ./looplab demo 5               runs this on your loop; the trace goes to build/default/traces/
//   lab05_demo_yours [trace.json]  the program itself (default trace file: ./lab05-trace.json)
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "demo_runner.hpp"
#include "task.hpp"
#include "third_party_lib.hpp"

using namespace std::chrono_literals;

namespace {

constexpr int tickers = 5;
constexpr looplab::Duration tick_period = 50ms;
constexpr std::chrono::milliseconds blocking_call = 500ms;

// When each ticker ticked.
using Ticks = std::vector<std::vector<looplab::TimePoint>>;

// Ticks every `period` until `until`, noting each tick's time in `ticks`.
looplab::Task<void> ticker(std::vector<looplab::TimePoint>* ticks, looplab::Duration period, looplab::TimePoint until) {
    looplab::EventLoop& loop = looplab::get_running_loop();
    while (loop.time() < until) {
        ticks->push_back(loop.time());
        co_await looplab::sleep(period);
    }
}

// The longest time any ticker went without ticking: what the stall felt like to everyone else.
looplab::Duration longest_gap(const Ticks& ticks) {
    looplab::Duration gap{0};
    for (const auto& one : ticks) {
        for (std::size_t i = 1; i < one.size(); ++i) gap = std::max(gap, one[i] - one[i - 1]);
    }
    return gap;
}

looplab::Task<void> main_coroutine(Ticks* ticks) {
    looplab::EventLoop& loop = looplab::get_running_loop();
    const looplab::TimePoint start = loop.time();

    // 1. Five tickers, for one second.
    std::vector<looplab::Task<void>> running;
    for (int i = 0; i < tickers; ++i) {
        running.push_back(looplab::create_task(ticker(&(*ticks)[i], tick_period, start + 1s), fmt::format("ticker-{}", i)));
    }
    co_await looplab::sleep(200ms);

    // 2. The article's problem: a library with no async support, called right on the loop.
    fmt::print("  main: calling third_party_lib::slow_query on the loop thread ...\n");
    auto blocked_from = loop.time();
    std::int64_t sum = third_party_lib::slow_query_for(blocking_call);
    auto blocked_for = loop.time() - blocked_from;
    fmt::print("  main: it returned {} after {} ms; nothing else ran meanwhile\n", sum,
               std::chrono::duration_cast<std::chrono::milliseconds>(blocked_for).count());

    // 3. Let the tickers finish, then measure.
    for (auto& task : running) co_await task;
}

void run_demo() {
    looplab::EventLoop loop;
    loop.set_debug(true);  // report any callback or step that holds the loop 100 ms or more
    Ticks ticks(tickers);
    looplab::Task<void> main_task = main_coroutine(&ticks);
    main_task.set_name("main");
    looplab::run_until_complete(loop, main_task);
    loop.close();

    auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(longest_gap(ticks));
    fmt::print("  the stall: tickers meant to tick every {} ms went {} ms without a tick\n",
               std::chrono::duration_cast<std::chrono::milliseconds>(tick_period).count(), gap.count());
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 5, run_demo);
}
