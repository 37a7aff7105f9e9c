// seed_scenario.cpp: the viewer's built-in demo. It is labs/06-executor/demo/demo.cpp with knobs:
// ticker tasks tick every interval while main needs the results of blocking library calls
// (third_party_lib::slow_query_for: SQLite, for as long as asked). Where those calls run is the
// knob that matters:
//
//   on_loop          main makes the calls one after the other, on the loop thread: the loop
//                    stalls, and no ticker ticks until every call is done;
//   run_in_executor  one task per call awaits loop.run_in_executor on an Executor of `workers`
//                    threads: the calls run on the workers, and the tickers keep ticking;
//   to_thread        the same through looplab::to_thread, on the loop's default executor.
//
// Each run is recorded into one trace, on a fresh reference loop in debug mode, so the viewer
// shows the stall (and debug mode's "slow callback" mark) or the workers' lanes beside the loop.
#include "seed_scenario.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "event_loop.hpp"
#include "executor.hpp"
#include "scope_exit.hpp"
#include "task.hpp"
#include "third_party_lib.hpp"
#include "trace.hpp"

namespace looplab::viewer {
namespace {

using namespace std::chrono_literals;

// The tickers tick for this many intervals before the blocking part starts and after it ends,
// so the trace shows the loop's rhythm on both sides of the blocking part.
constexpr int margin_ticks = 4;

// What main and the tickers share. It lives in run_seed_scenario's frame, which outlives the
// loop and every task on it, so the coroutines may keep a pointer to it.
struct Scoreboard {
    int ticks = 0;                  // all tickers' ticks together
    bool blocking_done = false;     // main has every blocking result
    TimePoint stop_ticking_at{};    // the end of the margin after; valid once blocking_done
    int ticks_during_blocking = 0;  // ticks between the first call's start and the last one's end
    Duration blocking_took{};       // the same stretch, on the loop's clock
};

// The article's blocking_operation: a library call that knows nothing about event loops.
// Blocks the calling thread for about `duration`.
std::int64_t blocking_operation(std::chrono::milliseconds duration) {
    return third_party_lib::slow_query_for(duration);
}

// The article's process_result, asynchronous: it awaits too.
Task<std::string> process_result(std::int64_t result) {
    co_await sleep(10ms);
    co_return fmt::format("sum {}", result);
}

// Ticks every `interval` until main has its results and the margin after them has passed.
// A tick is a task step: while the loop thread is blocked, no ticker can tick.
Task<void> ticker(Scoreboard* board, Duration interval) {
    EventLoop& loop = get_running_loop();
    while (!board->blocking_done || loop.time() < board->stop_ticking_at) {
        ++board->ticks;
        co_await sleep(interval);
    }
}

// The stall: every call, one after the other, right here on the loop thread.
std::int64_t blocking_calls_on_loop(const ScenarioParams& params) {
    std::int64_t sum = 0;
    for (int i = 0; i < params.blocking_calls; ++i) sum += blocking_operation(params.blocking_duration);
    return sum;
}

// One blocking call, off the loop: on `pool` (run_in_executor), or on the loop's default executor
// (to_thread, when `pool` is null). The task waits; the loop runs on.
Task<std::int64_t> offloaded_call(Executor* pool, std::chrono::milliseconds duration) {
    auto call = [duration] { return blocking_operation(duration); };
    // Into a named future first, never co_await on the call itself: lab 06's hint on a g++ 12 bug.
    Future<std::int64_t> result = pool != nullptr ? get_running_loop().run_in_executor(pool, call) : to_thread(call);
    co_return co_await result;
}

// Starts every call at once, each as a task of its own, then waits for them all.
// Coroutine parameters are taken by value: they must outlive the caller's statement.
Task<std::int64_t> blocking_calls_offloaded(ScenarioParams params, Executor* pool) {
    std::vector<Task<std::int64_t>> calls;
    for (int i = 0; i < params.blocking_calls; ++i) {
        calls.push_back(create_task(offloaded_call(pool, params.blocking_duration), fmt::format("blocking-{}", i)));
    }
    std::int64_t sum = 0;
    for (auto& call : calls) sum += co_await call;
    co_return sum;
}

// The scenario's main task: the tickers, the margin before, the blocking part, process_result,
// the margin after. `pool` is the run_in_executor executor (null for the other places).
Task<std::string> main_coroutine(ScenarioParams params, Executor* pool, Scoreboard* board) {
    EventLoop& loop = get_running_loop();
    const Duration interval = params.tick_interval;
    std::vector<Task<void>> tickers;
    for (int i = 0; i < params.tickers; ++i) {
        tickers.push_back(create_task(ticker(board, interval), fmt::format("ticker-{}", i)));
    }
    co_await sleep(margin_ticks * interval);

    const int ticks_before = board->ticks;
    const TimePoint started = loop.time();
    std::int64_t result = 0;
    if (params.place == BlockingPlace::on_loop) {
        result = blocking_calls_on_loop(params);
    } else {
        result = co_await blocking_calls_offloaded(params, pool);
    }
    board->ticks_during_blocking = board->ticks - ticks_before;
    board->blocking_took = loop.time() - started;
    board->stop_ticking_at = loop.time() + margin_ticks * interval;
    board->blocking_done = true;

    std::string processed = co_await process_result(result);
    for (auto& task : tickers) co_await task;
    co_return processed;
}

// Debug mode reports every slow step through the exception handler, whose default prints it.
// The trace marks those already (cat "slow") and the viewer has no console: print real errors only.
void report_errors_only(EventLoop& loop, const ExceptionContext& context) {
    if (context.exception) loop.default_exception_handler(context);
}

// Runs the scenario on a fresh loop, made this thread's current loop for the run (a task belongs
// to the current loop). When it returns, or throws, every worker thread it used has finished,
// which trace::to_json requires.
void run_on_fresh_loop(const ScenarioParams& params, Scoreboard& board) {
    EventLoop* previous = set_event_loop(nullptr);
    ScopeExit restore([previous] { set_event_loop(previous); });
    EventLoop loop;
    set_event_loop(&loop);
    loop.set_debug(true);
    loop.set_exception_handler(report_errors_only);
    // Declared after the loop, so it is joined first: its jobs hand results to the loop.
    std::optional<Executor> pool;
    if (params.place == BlockingPlace::run_in_executor) pool.emplace(static_cast<std::size_t>(params.workers));

    Task<std::string> main_task = main_coroutine(params, pool ? &*pool : nullptr, &board);
    main_task.set_name("main");
    run_until_complete(loop, main_task);
    if (pool) pool->shutdown(/*wait=*/true);
    loop.shutdown_default_executor();  // to_thread's workers
    loop.close();
}

// "4 workers", "1 worker", "the loop thread", "the default executor".
std::string where_it_ran(const ScenarioParams& params) {
    switch (params.place) {
        case BlockingPlace::on_loop: return "the loop thread";
        case BlockingPlace::to_thread: return "the default executor";
        case BlockingPlace::run_in_executor: break;
    }
    return fmt::format("{} worker{}", params.workers, params.workers == 1 ? "" : "s");
}

// "run_in_executor: 45 ticks during the 500 ms blocking call (4 workers, 1 call, 512 ms in all)"
std::string summarize(const ScenarioParams& params, const Scoreboard& board) {
    const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(board.blocking_took).count();
    const bool several = params.blocking_calls > 1;
    return fmt::format("{}: {} ticks during the {} ms blocking call{} ({}, {} call{}, {} ms in all)",
                       blocking_place_name(params.place), board.ticks_during_blocking,
                       params.blocking_duration.count(), several ? "s" : "", where_it_ran(params),
                       params.blocking_calls, several ? "s" : "", took_ms);
}

}  // namespace

std::string_view blocking_place_name(BlockingPlace place) {
    switch (place) {
        case BlockingPlace::on_loop: return "on the loop";
        case BlockingPlace::run_in_executor: return "run_in_executor";
        case BlockingPlace::to_thread: return "to_thread";
    }
    return "unknown";
}

ScenarioParams clamped(ScenarioParams params) {
    params.tickers = std::clamp(params.tickers, 1, 32);
    params.tick_interval = std::clamp(params.tick_interval, 1ms, 1000ms);
    params.blocking_duration = std::clamp(params.blocking_duration, 10ms, 3000ms);
    params.blocking_calls = std::clamp(params.blocking_calls, 1, 16);
    params.workers = std::clamp(params.workers, 1, 16);
    return params;
}

ScenarioRun run_seed_scenario(const ScenarioParams& requested) {
    const ScenarioParams params = clamped(requested);
    ScenarioRun outcome;
    try {
        // slow_query_for measures the machine on its first call: do that before recording, or
        // the first run's blocking call would be longer than asked, and its lane would show it.
        blocking_operation(1ms);
        Scoreboard board;
        trace::start();
        {
            ScopeExit stop_recording([] { trace::stop(); });
            run_on_fresh_loop(params, board);
        }
        outcome.trace_json = trace::to_json();
        outcome.ticks_during_blocking = board.ticks_during_blocking;
        outcome.summary = summarize(params, board);
    } catch (const std::exception& error) {
        outcome.ok = false;
        outcome.error = error.what();
    }
    return outcome;
}

}  // namespace looplab::viewer
