// The kit's own traces (copies of build/default/traces/lab06-reference*.json): lab 06's demo, with
// a blocking call run in the executor, and the same demo blocking the loop instead.
#include "lints.hpp"
#include "loop_state.hpp"
#include "viewer_test_helpers.hpp"

using namespace viewer_test;

namespace {

Trace load_sample(const char* name) {
    LoadResult result = load_trace_file(std::filesystem::path(VIEWER_TEST_DATA) / name);
    if (const auto* error = std::get_if<LoadError>(&result)) FAIL(error->message);
    return std::get<Trace>(std::move(result));
}

}  // namespace

TEST_CASE("Lab 06's executor trace: the loop keeps stepping tasks while the executor runs", "[viewer]") {
    const Trace trace = load_sample("lab06-reference.json");
    SECTION("it loads whole") {
        CHECK(trace.stats.events == 1145);
        CHECK(trace.stats.skipped == 0);
        CHECK(trace.producer == "looplab");
    }
    SECTION("a loop lane first, then executor-0") {
        REQUIRE(trace.lanes.size() == 2);
        CHECK(trace.loop_lane() == 0);
        CHECK(trace.lanes[1].name == "executor-0");
        CHECK(trace.lanes[1].kind == LaneKind::executor);
    }
    SECTION("six tasks, all finished, each with steps") {
        REQUIRE(trace.tasks.size() == 6);
        CHECK(trace.tasks[0].name == "main");
        CHECK(trace.tasks[0].id == 0x63);
        for (const auto& task : trace.tasks) {
            CHECK(task.end.has_value());
            CHECK(!task.steps.empty());
        }
    }
    SECTION("every flow ends, in the span it caused") {
        CHECK(trace.flows.size() == 196);
        for (const auto& flow : trace.flows) {
            CHECK(flow.ended);
            CHECK(flow.effect.valid());
        }
    }
    const SpanRef job = find_span(trace, "run_in_executor");
    REQUIRE(job.valid());
    const Span& job_span = trace.span(job);
    SECTION("some ticker step runs on the loop while the executor job runs") {
        bool overlapped = false;
        for (const auto& task : trace.tasks)
            for (SpanRef step : task.steps)
                overlapped = overlapped || (task.name.starts_with("ticker") && trace.span(step).start > job_span.start &&
                                            trace.span(step).end < job_span.end);
        CHECK(overlapped);
    }
    SECTION("mid-job, the job runs on executor-0 and main is suspended on it") {
        const LoopState state = loop_state_at(trace, (job_span.start + job_span.end) / 2);
        REQUIRE(state.executor_running.size() == 1);
        CHECK(state.executor_running[0].worker == "executor-0");
        CHECK(state.executor_running[0].submitted < state.executor_running[0].started);
        CHECK(state.executor_queue.empty());
        CHECK(state.tasks.size() == 6);
        CHECK(state.tasks[0].name == "main");
        CHECK(state.tasks[0].status == TaskStatus::suspended);
        CHECK(state.tasks[0].waiting_on == "run_in_executor job on executor-0");
    }
    SECTION("between submit and start, the job waits in the executor's queue") {
        const Flow* submit = nullptr;
        for (const auto& flow : trace.flows)
            if (trace.text(flow.name) == "submit") submit = &flow;
        REQUIRE(submit != nullptr);
        CHECK(submit->effect == job);
        const LoopState state = loop_state_at(trace, (submit->begin + submit->end) / 2);
        REQUIRE(state.executor_queue.size() == 1);
        CHECK(state.executor_queue[0].name == "run_in_executor");
    }
    SECTION("sleeping tickers wait on timers with known deadlines") {
        const LoopState state = loop_state_at(trace, (job_span.start + job_span.end) / 2);
        CHECK(!state.timers.empty());
        for (const auto& timer : state.timers) {
            CHECK(timer.name == "sleep");
            CHECK(timer.deadline.has_value());
        }
    }
    SECTION("the worker's call_soon_threadsafe comes back to the loop") {
        bool found = false;
        for (const auto& flow : trace.flows)
            if (trace.text(flow.name) == "call_soon_threadsafe") {
                found = true;
                CHECK(trace.lanes[static_cast<std::size_t>(flow.begin_lane)].name == "executor-0");
                CHECK(name_of(trace, flow.effect) == "executor result");
            }
        CHECK(found);
    }
    SECTION("no lints: nothing blocks the loop") { CHECK(find_lints(trace).empty()); }
    SECTION("iterations step through the whole run") {
        const int last = static_cast<int>(trace.iterations.size()) - 1;
        CHECK(last > 40);
        CHECK(next_iteration(trace, 0) == 0);
        CHECK(next_iteration(trace, trace.end) == -1);
        CHECK(previous_iteration(trace, trace.end) == last - 1);  // the end lies in the last iteration
    }
}

TEST_CASE("Lab 06's blocking trace: main's step holds the loop for half a second", "[viewer]") {
    const Trace trace = load_sample("lab06-reference-blocking.json");
    SECTION("a loop lane and no executor") {
        REQUIRE(trace.lanes.size() == 1);
        CHECK(trace.lanes[0].name == "loop");
        CHECK(trace.tasks.size() == 6);
    }
    SECTION("one slow_callback lint of about 500 ms, on main") {
        const auto lints = find_lints(trace);
        REQUIRE(lints.size() == 1);
        CHECK(lints[0].kind == LintKind::slow_callback);
        CHECK(name_of(trace, lints[0].span) == "main");
        CHECK(lints[0].end - lints[0].start > 450'000);
        CHECK(lints[0].end - lints[0].start < 600'000);
        CHECK_THAT(lints[0].message, Catch::StartsWith("main held the loop for 5") && Catch::EndsWith("ms (limit 100 ms)"));
    }
    SECTION("while main blocks, the tickers are suspended") {
        const SpanRef slow = find_lints(trace).at(0).span;
        const LoopState state = loop_state_at(trace, trace.span(slow).start + 100'000);
        CHECK(state.loop_doing == "running step of task main");
        for (const auto& task : state.tasks)
            if (task.name != "main") CHECK(task.status != TaskStatus::running);
    }
}
