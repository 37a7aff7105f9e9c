// Flows (cause and effect), tasks and iterations.
#include "viewer_test_helpers.hpp"

using namespace viewer_test;

TEST_CASE("A flow's s binds to the span enclosing it and its f to the span it runs in", "[viewer]") {
    const Trace trace = load(trace_of(events(x("callback", "caller", 0, 10), x("step", "inner", 2, 3), flow('s', "call_soon", 3, 1),
                                             x("callback", "callee", 20, 5), flow('f', "call_soon", 20.1, 1))));
    REQUIRE(trace.flows.size() == 1);
    const Flow& f = trace.flows[0];
    SECTION("the cause is the deepest span enclosing the s") { CHECK(name_of(trace, f.cause) == "inner"); }
    SECTION("the effect is the span enclosing the f") { CHECK(name_of(trace, f.effect) == "callee"); }
    SECTION("times and lanes") {
        CHECK(f.begin == 3);
        CHECK(f.ended);
        CHECK(f.end == Approx(20.1));
        CHECK(f.begin_lane == 0);
        CHECK(f.end_lane == 0);
        CHECK(trace.text(f.name) == "call_soon");
    }
}

TEST_CASE("An f without bp e binds to the next span to start on its lane", "[viewer]") {
    const Trace trace = load(R"([
        {"ph":"X","name":"before","pid":1,"tid":1,"ts":0,"dur":10},
        {"ph":"s","name":"flow","id":"abc","pid":1,"tid":1,"ts":1},
        {"ph":"f","name":"flow","id":"abc","pid":1,"tid":2,"ts":4},
        {"ph":"X","name":"running at f","pid":1,"tid":2,"ts":3,"dur":10},
        {"ph":"X","name":"next","pid":1,"tid":2,"ts":15,"dur":1}])");
    REQUIRE(trace.flows.size() == 1);
    CHECK(name_of(trace, trace.flows[0].effect) == "next");
}

TEST_CASE("Flow ids may be numbers or strings, in hex or decimal", "[viewer]") {
    const Trace trace = load(R"([
        {"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":10},
        {"ph":"s","name":"n","id":"0x63","pid":1,"tid":1,"ts":1},
        {"ph":"f","name":"n","id":99,"bp":"e","pid":1,"tid":1,"ts":2},
        {"ph":"s","name":"m","id":"text id","pid":1,"tid":1,"ts":3},
        {"ph":"f","name":"m","id":"text id","bp":"e","pid":1,"tid":1,"ts":4}])");
    REQUIRE(trace.flows.size() == 2);
    CHECK(trace.flows[0].id == 99);
    CHECK(trace.flows[0].ended);
    CHECK(trace.flows[1].ended);
}

TEST_CASE("An f earlier in the file than its s still pairs, by time", "[viewer]") {
    // The kit writes each thread's buffer in turn: a worker's s comes after the loop's f.
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("callback", "executor result", 50, 5), flow('f', "call_soon_threadsafe", 50.1, 7),
                                             thread_name(2, "executor-0"), x("executor", "job", 10, 30, 2), flow('s', "call_soon_threadsafe", 35, 7, 2))));
    REQUIRE(trace.flows.size() == 1);
    const Flow& f = trace.flows[0];
    CHECK(f.ended);
    CHECK(trace.lanes[static_cast<std::size_t>(f.begin_lane)].name == "executor-0");
    CHECK(name_of(trace, f.cause) == "job");
    CHECK(name_of(trace, f.effect) == "executor result");
}

TEST_CASE("A flow never ended stays open, and a reused id pairs with the latest s", "[viewer]") {
    const Trace trace = load(trace_of(events(x("callback", "a", 0, 10), flow('s', "call_soon", 1, 5), flow('s', "call_soon", 2, 5),
                                             x("callback", "b", 20, 5), flow('f', "call_soon", 21, 5))));
    REQUIRE(trace.flows.size() == 2);
    CHECK_FALSE(trace.flows[0].ended);
    CHECK(trace.flows[1].ended);
}

TEST_CASE("A call_at flow takes its delay and timer name from the call_at instant before it", "[viewer]") {
    const Trace trace = load(trace_of(events(x("step", "main", 0, 10, 1, R"({"task":1})"),
                                             instant("timer", "call_at", 2, R"({"detail":"sleep","delay_us":250000})"), flow('s', "call_at", 2.5, 1),
                                             instant("timer", "call_at", 4, R"({"detail":"old kit"})"), flow('s', "call_at", 4.5, 2),
                                             instant("future", "done", 5.5), flow('s', "call_at", 6, 3))));
    REQUIRE(trace.flows.size() == 3);
    SECTION("the delay, when the kit records it") {
        CHECK(trace.flows[0].delay_us == 250000);
        REQUIRE(trace.flows[0].deadline.has_value());
        CHECK(*trace.flows[0].deadline == Approx(250002));  // the instant's ts + delay_us
        CHECK(trace.text(trace.flows[0].detail) == "sleep");
    }
    SECTION("no delay from an older kit's instant") {
        CHECK(trace.flows[1].delay_us == -1);
        CHECK_FALSE(trace.flows[1].deadline.has_value());
        CHECK(trace.text(trace.flows[1].detail) == "old kit");
    }
    SECTION("nothing when another instant came in between") { CHECK(trace.flows[2].detail == no_string); }
}

TEST_CASE("Tasks come from b/e events and gather their steps by id", "[viewer]") {
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), task_event('b', "main", 0, 0x63), task_event('b', "ticker", 1, 0x65),
                                             x("callback", "main", 2, 5), x("step", "main", 2.5, 4, 1, R"({"task":99})"),
                                             x("callback", "ticker", 8, 3), x("step", "ticker", 8.5, 2, 1, R"({"task":"0x65"})"),
                                             x("callback", "main", 12, 3), x("step", "main", 12.5, 2, 1, R"({"task":99})"),
                                             task_event('e', "main", 15, 0x63))));
    REQUIRE(trace.tasks.size() == 2);
    const TaskInfo& main_task = trace.tasks[0];
    SECTION("the hex id is the step's decimal task arg") {
        CHECK(main_task.id == 99);
        CHECK(main_task.name == "main");
        CHECK(main_task.steps.size() == 2);
        CHECK(trace.span(main_task.steps[0]).start < trace.span(main_task.steps[1]).start);
    }
    SECTION("a task without an e is still pending at the end") {
        CHECK(main_task.end == 15);
        CHECK_FALSE(trace.tasks[1].end.has_value());
        CHECK(trace.tasks[1].steps.size() == 1);
    }
    SECTION("task_by_id") {
        REQUIRE(trace.task_by_id(0x65) != nullptr);
        CHECK(trace.task_by_id(0x65)->name == "ticker");
        CHECK(trace.task_by_id(12345) == nullptr);
    }
}

TEST_CASE("Iterations are the run_once spans of the loop lane only", "[viewer]") {
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("iteration", "run_once", 0, 10), x("iteration", "run_once", 12, 10),
                                             x("iteration", "run_once", 5, 10, 2))));
    REQUIRE(trace.iterations.size() == 2);
    CHECK(trace.span(trace.iterations[1]).start == 12);
}
