// The viewer's built-in demo (viewer/scenario/seed_scenario.hpp): the seed scenario, run for real
// on the reference loop. Tiny durations keep each run near 0.1 s. The checks rely only on what
// the design guarantees, so real time cannot make them flaky: no ticker can tick while the loop
// thread is blocked, and a ticker due every 5 ms ticks during a 40 ms call that runs elsewhere.
#if LOOPLAB_VIEWER_HAS_SCENARIO

#include <string>

#include "looplab_catch.hpp"
#include "seed_scenario.hpp"
#include "trace.hpp"

using looplab::viewer::BlockingPlace;
using looplab::viewer::ScenarioParams;
using looplab::viewer::ScenarioRun;
using looplab::viewer::run_seed_scenario;
using namespace std::chrono_literals;

namespace {

// Built with -DLOOPLAB_TRACE=OFF, the recorder is compiled out and every trace is empty.
constexpr bool traced = LOOPLAB_TRACE != 0;

// 3 tickers every 5 ms around one 40 ms blocking call, made at `place`.
ScenarioParams quick(BlockingPlace place) {
    ScenarioParams params;
    params.tickers = 3;
    params.tick_interval = 5ms;
    params.blocking_duration = 40ms;
    params.blocking_calls = 1;
    params.workers = 2;
    params.place = place;
    return params;
}

int occurrences(const std::string& text, const std::string& what) {
    int count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++count;
    return count;
}

bool contains(const std::string& text, const std::string& what) {
    return occurrences(text, what) > 0;
}

}  // namespace

TEST_CASE("A call through run_in_executor leaves the tickers ticking, and the trace shows the job", "[viewer]") {
    ScenarioRun run = run_seed_scenario(quick(BlockingPlace::run_in_executor));
    CAPTURE(run.error, run.summary);
    REQUIRE(run.ok);
    CHECK(run.ticks_during_blocking > 0);
    CHECK(run.summary.rfind("run_in_executor: ", 0) == 0);
    if (traced) {
        CHECK(contains(run.trace_json, "\"executor-0\""));
        CHECK(contains(run.trace_json, "\"name\":\"submit\""));
        CHECK(contains(run.trace_json, "\"cat\":\"executor\",\"name\":\"run_in_executor\""));
        CHECK(contains(run.trace_json, "\"delay_us\":"));  // the tickers' sleeps are timers
    }
}

TEST_CASE("A call through to_thread leaves the tickers ticking too", "[viewer]") {
    ScenarioRun run = run_seed_scenario(quick(BlockingPlace::to_thread));
    CAPTURE(run.error, run.summary);
    REQUIRE(run.ok);
    CHECK(run.ticks_during_blocking > 0);
    if (traced) CHECK(contains(run.trace_json, "\"executor-0\""));
}

TEST_CASE("Calls on the loop thread stop every ticker until the last one returns", "[viewer]") {
    ScenarioParams params = quick(BlockingPlace::on_loop);
    params.blocking_calls = 2;
    ScenarioRun run = run_seed_scenario(params);
    CAPTURE(run.error, run.summary);
    REQUIRE(run.ok);
    CHECK(run.ticks_during_blocking == 0);
    CHECK(run.summary.rfind("on the loop: 0 ticks", 0) == 0);
    if (traced) {
        CHECK_FALSE(contains(run.trace_json, "\"executor-0\""));
        CHECK(contains(run.trace_json, "\"name\":\"ticker-2\""));
    }
}

TEST_CASE("Each run's trace holds only its own workers, however many runs came before", "[viewer]") {
    ScenarioParams params = quick(BlockingPlace::run_in_executor);
    params.blocking_calls = 2;
    params.workers = 1;
    REQUIRE(run_seed_scenario(params).ok);
    ScenarioRun second = run_seed_scenario(params);
    CAPTURE(second.error, second.summary);
    REQUIRE(second.ok);
    if (!traced) return;
    CHECK(occurrences(second.trace_json, "\"executor-0\"") == 1);  // the one worker, once
    CHECK_FALSE(contains(second.trace_json, "\"executor-1\""));
    CHECK(occurrences(second.trace_json, "\"name\":\"loop\"") == 1);
}

TEST_CASE("Parameters outside their ranges are clamped into them", "[viewer]") {
    ScenarioParams wild;
    wild.tickers = 0;
    wild.tick_interval = 0ms;
    wild.blocking_duration = 10s;
    wild.blocking_calls = 100;
    wild.workers = -3;
    ScenarioParams params = looplab::viewer::clamped(wild);
    CHECK(params.tickers == 1);
    CHECK(params.tick_interval == 1ms);
    CHECK(params.blocking_duration == 3000ms);
    CHECK(params.blocking_calls == 16);
    CHECK(params.workers == 1);
}

#endif  // LOOPLAB_VIEWER_HAS_SCENARIO
