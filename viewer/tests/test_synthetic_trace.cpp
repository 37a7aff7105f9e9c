// The synthetic trace generator (for --bench), and the loader's speed on a million events.
#include <chrono>

#include "lints.hpp"
#include "loop_state.hpp"
#include "synthetic_trace.hpp"
#include "viewer_test_helpers.hpp"

using namespace viewer_test;

TEST_CASE("A synthetic trace follows the kit's schema and loads cleanly", "[viewer]") {
    const std::string text = make_synthetic_trace(20'000, 7);
    const Trace trace = load(text);
    SECTION("about as many events as asked") {
        CHECK(trace.stats.events >= 20'000);
        CHECK(trace.stats.events < 20'100);
        CHECK(trace.stats.skipped == 0);
    }
    SECTION("a loop lane and four executor lanes") {
        REQUIRE(trace.lanes.size() == 5);
        CHECK(trace.lanes[0].name == "loop");
        CHECK(trace.lanes[4].name == "executor-3");
    }
    SECTION("tasks, iterations, flows of every kind") {
        CHECK(trace.tasks.size() >= 8);
        CHECK(trace.iterations.size() > 100);
        bool kinds[4] = {};
        for (const auto& flow : trace.flows) {
            const auto name = trace.text(flow.name);
            kinds[0] |= name == "call_soon";
            kinds[1] |= name == "call_at" && flow.deadline.has_value();
            kinds[2] |= name == "submit";
            kinds[3] |= name == "call_soon_threadsafe";
        }
        CHECK((kinds[0] && kinds[1] && kinds[2] && kinds[3]));
    }
    SECTION("the same seed gives the same text") { CHECK(make_synthetic_trace(20'000, 7) == text); }
    SECTION("the queries run on it") {
        CHECK(!loop_state_at(trace, trace.end / 2).tasks.empty());
        find_lints(trace);
    }
}

// Not run by default: ./viewer_tests "[.bench]". The two-second budget holds for an optimised
// build (NDEBUG: Release or RelWithDebInfo); a Debug build only reports its time.
TEST_CASE("A million-event trace loads in under two seconds", "[viewer][.bench]") {
    const std::string text = make_synthetic_trace(1'000'000, 1);
    const auto start = std::chrono::steady_clock::now();
    const Trace trace = load(text);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    WARN("loaded " << trace.stats.events << " events (" << text.size() / 1'000'000 << " MB) in " << seconds << " s");
#ifdef NDEBUG
    CHECK(seconds <= 2.0);
#else
    SUCCEED("a Debug build: the time is reported, not checked");
#endif
}
