// find_lints: slow callbacks, tasks never resumed, a saturated executor.
#include "lints.hpp"
#include "viewer_test_helpers.hpp"

using namespace viewer_test;

TEST_CASE("A callback holding the loop past the limit is a slow_callback lint", "[viewer]") {
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("iteration", "run_once", 0, 600'000),
                                             x("callback", "tick", 10, 523'100), x("step", "tick", 20, 523'000, 1, R"({"task":1})"),
                                             x("callback", "quick", 530'000, 5'000))));
    const auto lints = find_lints(trace);
    REQUIRE(lints.size() == 1);
    SECTION("reported once, as the callback, not again as its step") {
        CHECK(lints[0].kind == LintKind::slow_callback);
        CHECK(name_of(trace, lints[0].span) == "tick");
        CHECK(trace.span(lints[0].span).kind == SpanKind::callback);
    }
    SECTION("the message") { CHECK(lints[0].message == "tick held the loop for 523.1 ms (limit 100 ms)"); }
    SECTION("where to draw it") {
        CHECK(lints[0].lane == 0);
        CHECK(lints[0].start == 10);
        CHECK(lints[0].end == 523'110);
    }
    SECTION("the limit is an option") { CHECK(find_lints(trace, LintOptions{1'000, 1'000}).size() == 2); }
}

TEST_CASE("The loop's own slow callback report is a lint only when no span explains it", "[viewer]") {
    const std::string report = instant("slow", "slow callback", 300'010, R"({"detail":"Executing tick took 0.300 seconds"})");
    SECTION("explained by the slow span just before it") {
        const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("callback", "tick", 0, 300'000), report)));
        CHECK(find_lints(trace).size() == 1);
    }
    SECTION("reported inside the callback, as the kit does, it is still that callback's") {
        const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("callback", "tick", 0, 300'100), report)));
        CHECK(find_lints(trace).size() == 1);
    }
    SECTION("reported, pointing at the callback, when the loop's limit is lower than ours") {
        const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("callback", "tick", 240'000, 60'000), report)));
        const auto lints = find_lints(trace);
        REQUIRE(lints.size() == 1);
        CHECK(name_of(trace, lints[0].span) == "tick");
        CHECK(lints[0].start == 0);         // the callback's start (times begin at the callback)
        CHECK(lints[0].end == 60'010);      // the report's time
    }
    SECTION("reported with its detail when the trace has no such span") {
        const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("callback", "other", 0, 10), report)));
        const auto lints = find_lints(trace);
        REQUIRE(lints.size() == 1);
        CHECK(lints[0].message == "the loop reported a slow callback: Executing tick took 0.300 seconds");
        CHECK(lints[0].start == 300'010);
    }
}

TEST_CASE("A task left waiting at the end of the trace is a never_resumed lint", "[viewer]") {
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), task_event('b', "ticker-3", 0, 7), task_event('b', "busy", 0, 8),
                                             task_event('b', "never ran", 0, 9),
                                             x("callback", "ticker-3", 812'000, 500), x("step", "ticker-3", 812'100, 300, 1, R"({"task":7})"),
                                             instant("timer", "call_at", 812'200, R"({"detail":"sleep"})"), flow('s', "call_at", 812'300, 1),
                                             x("callback", "busy", 1'999'000, 500), x("step", "busy", 1'999'100, 300, 1, R"({"task":8})"),
                                             x("callback", "end", 2'000'000, 10))));
    const auto lints = find_lints(trace);
    REQUIRE(lints.size() == 2);
    SECTION("a task that never ran") {
        CHECK(lints[0].kind == LintKind::never_resumed);
        CHECK(lints[0].message ==
              "task never ran was still pending when the trace ended, 2000.0 ms after it was created (at 0.0 ms): it had not run yet");
    }
    SECTION("a sleeper whose timer never fired, and when it last ran") {
        CHECK(lints[1].message ==
              "task ticker-3 was still pending when the trace ended, 1187.6 ms after it last ran (at 812.4 ms): waiting on a sleep timer");
        CHECK(name_of(trace, lints[1].span) == "ticker-3");
        CHECK(lints[1].end == trace.end);
    }
}

TEST_CASE("A job queued while every worker is busy is an executor_saturated lint", "[viewer]") {
    const Trace trace = load(trace_of(events(
        thread_name(1, "loop"), thread_name(2, "executor-0"), thread_name(3, "executor-1"), x("callback", "main", 0, 10),
        flow('s', "submit", 1, 1), flow('s', "submit", 2, 2), flow('s', "submit", 3, 3),
        x("executor", "first", 5, 480'000, 2), flow('f', "submit", 5.1, 1, 2),
        x("executor", "second", 6, 500'000, 3), flow('f', "submit", 6.1, 2, 3),
        x("executor", "run_in_executor", 480'205, 1'000, 2), flow('f', "submit", 480'205.1, 3, 2))));
    const auto lints = find_lints(trace);
    SECTION("the jobs that found a free worker are fine; the third waited") {
        REQUIRE(lints.size() == 1);
        CHECK(lints[0].kind == LintKind::executor_saturated);
    }
    SECTION("the message") {
        REQUIRE(lints.size() == 1);
        CHECK(lints[0].message == "job run_in_executor waited 480.2 ms for a free worker: all 2 workers were busy");
    }
}

TEST_CASE("Lints come sorted by start, and each kind has a name", "[viewer]") {
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("callback", "b", 500'000, 200'000), x("callback", "a", 0, 200'000))));
    const auto lints = find_lints(trace);
    REQUIRE(lints.size() == 2);
    CHECK(lints[0].start < lints[1].start);
    CHECK(lint_kind_name(LintKind::executor_saturated) == "executor saturated");
}

TEST_CASE("A task cut off by the end of the trace is described as still pending then, not as never finishing", "[viewer]") {
    // A tenth of this 1 s trace is 100 ms: the sleeper, quiet for 999.9 ms, is reported.
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), task_event('b', "sleeper", 0, 1),
                                             x("step", "sleeper", 0, 100, 1, R"({"task":1})"),
                                             x("callback", "other", 999'000, 1'000))));
    const auto lints = find_lints(trace);
    REQUIRE(lints.size() == 1);
    CHECK(lints[0].kind == LintKind::never_resumed);
    CHECK_THAT(lints[0].message, Catch::StartsWith("task sleeper was still pending when the trace ended, 999.9 ms after it last ran"));
    CHECK_THAT(lints[0].message, !Catch::Contains("never finished"));
}

TEST_CASE("A saturated executor is drawn on the worker that ran the job, just before the job's span", "[viewer]") {
    const Trace trace = load(trace_of(events(
        thread_name(1, "loop"), thread_name(2, "executor-0"), thread_name(3, "executor-1"), x("callback", "main", 0, 10),
        flow('s', "submit", 1, 1), flow('s', "submit", 2, 2), flow('s', "submit", 3, 3), flow('s', "submit", 4, 4),
        x("executor", "first", 5, 480'000, 2), flow('f', "submit", 5.1, 1, 2),
        x("executor", "second", 6, 600'000, 3), flow('f', "submit", 6.1, 2, 3),
        x("executor", "third", 480'205, 150'000, 2), flow('f', "submit", 480'205.1, 3, 2))));
    const auto lints = find_lints(trace);
    REQUIRE(lints.size() == 2);
    SECTION("a job that ran: on its worker's lane, with its span there, over [submit, start]") {
        CHECK(lints[0].lane == lane_index(trace, "executor-0"));
        CHECK(name_of(trace, lints[0].span) == "third");
        CHECK(lints[0].span.lane == lints[0].lane);
        CHECK(lints[0].start == 3);
        CHECK(lints[0].end == Approx(480'205.1));
    }
    SECTION("a job that never started: on the first executor lane, with no span, to the end") {
        CHECK(lints[1].lane == lane_index(trace, "executor-0"));
        CHECK_FALSE(lints[1].span.valid());
        CHECK(lints[1].start == 4);
        CHECK(lints[1].end == trace.end);
        CHECK(lints[1].message == "job ? waited 630.2 ms for a free worker and had not started when the trace ended: all 2 workers were busy");
    }
}

TEST_CASE("Every lint's span, when it has one, is on the lint's lane", "[viewer]") {
    const Trace trace = load(trace_of(events(
        thread_name(1, "loop"), thread_name(2, "executor-0"), task_event('b', "sleeper", 0, 1),
        x("callback", "slow", 0, 200'000), x("step", "sleeper", 1, 100, 1, R"({"task":1})"),
        flow('s', "submit", 2, 1), flow('s', "submit", 3, 2),
        x("executor", "first", 5, 400'000, 2), flow('f', "submit", 5.1, 1, 2),
        x("executor", "second", 400'010, 600'000, 2), flow('f', "submit", 400'010.1, 2, 2))));
    const auto lints = find_lints(trace);
    REQUIRE(lints.size() == 3);  // slow, never resumed, saturated
    for (const Lint& lint : lints) {
        CAPTURE(lint.message);
        if (lint.span.valid()) CHECK(lint.span.lane == lint.lane);
    }
}

TEST_CASE("The slow-callback limit is written in plain decimals, never in exponent form", "[viewer]") {
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("callback", "tick", 0, 2'000'000'000))));
    SECTION("a limit of 1500 s") {
        const auto lints = find_lints(trace, LintOptions{1'500'000'000, 1'000});
        REQUIRE(lints.size() == 1);
        CHECK(lints[0].message == "tick held the loop for 2000000.0 ms (limit 1500000 ms)");
    }
    SECTION("a fractional limit") {
        const auto lints = find_lints(trace, LintOptions{999'700, 1'000});
        REQUIRE(lints.size() == 1);
        CHECK_THAT(lints[0].message, Catch::EndsWith("(limit 999.7 ms)"));
    }
}
