// seed_scenario.hpp: the viewer's built-in demo. The article's scenario, run live on the
// reference loop with the knobs a student turns in the viewer: ticker tasks keep ticking while
// main needs the result of a blocking library call, which runs either on the loop (the stall)
// or off it (run_in_executor, to_thread).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace looplab::viewer {

enum class BlockingPlace { on_loop, run_in_executor, to_thread };
std::string_view blocking_place_name(BlockingPlace place);   // "on the loop", "run_in_executor", "to_thread"

struct ScenarioParams {
    int tickers = 5;                                  // ticker tasks, 1..32
    std::chrono::milliseconds tick_interval{50};      // 1..1000 ms
    std::chrono::milliseconds blocking_duration{500}; // the blocking call, 10..3000 ms
    int blocking_calls = 1;                           // how many blocking calls main starts at once, 1..16
    int workers = 4;                                  // the executor's worker threads, 1..16
                                                      // (run_in_executor only: to_thread uses the
                                                      // loop's default executor, min(32, cores + 4))
    BlockingPlace place = BlockingPlace::run_in_executor;
};

// Clamps every field into its documented range.
ScenarioParams clamped(ScenarioParams params);

struct ScenarioRun {
    std::string trace_json;          // one trace in the kit's schema
    std::string summary;             // "run_in_executor: 45 ticks during the 500 ms call"
    int ticks_during_blocking = 0;   // ticks between the first blocking call's start and the last's end
    bool ok = true;
    std::string error;               // when !ok
};

// Runs the scenario once with `params` on a fresh reference loop and records it.
// Runs on the calling thread and takes about max(blocking work, tick span) of wall time.
// Only one recording may run in a process at a time (the trace session is process-wide): the
// caller must not run two scenarios at once.
ScenarioRun run_seed_scenario(const ScenarioParams& params);

}  // namespace looplab::viewer
