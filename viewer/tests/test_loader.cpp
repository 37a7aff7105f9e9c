// The loader: the kit's schema and other tools' Chrome Trace Event JSON, phase by phase.
#include "viewer_test_helpers.hpp"

using namespace viewer_test;

TEST_CASE("A kit trace loads into lanes, spans, instants and counters", "[viewer]") {
    const Trace trace = load(R"({"traceEvents":[
        {"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"loop"}},
        {"ph":"X","cat":"iteration","name":"run_once","pid":1,"tid":1,"ts":100.5,"dur":50},
        {"ph":"C","cat":"queue","name":"ready queue","pid":1,"tid":1,"ts":100.6,"args":{"length":4}},
        {"ph":"X","cat":"callback","name":"tick","pid":1,"tid":1,"ts":110,"dur":20},
        {"ph":"X","cat":"step","name":"main","pid":1,"tid":1,"ts":111,"dur":10,"args":{"task":99}},
        {"ph":"i","cat":"timer","name":"call_at","pid":1,"tid":1,"ts":112,"s":"t","args":{"detail":"sleep"}}
      ],"displayTimeUnit":"ms","otherData":{"producer":"looplab","schema":1}})");
    SECTION("the producer is read from otherData") { CHECK(trace.producer == "looplab"); }
    SECTION("the source is the name given") { CHECK(trace.source == "test.json"); }
    SECTION("times are shifted so the earliest event is at 0") {
        const Lane& loop = lane_named(trace, "loop");
        CHECK(loop.spans[0].start == 0);
        CHECK(loop.spans[1].start == Approx(9.5));
        CHECK(trace.start == 0);
        CHECK(trace.end == Approx(50));
    }
    SECTION("the loop lane is named from thread_name and is of kind loop") {
        REQUIRE(trace.loop_lane() == 0);
        CHECK(trace.lanes[0].kind == LaneKind::loop);
    }
    SECTION("span kinds come from the category") {
        const Lane& loop = lane_named(trace, "loop");
        CHECK(loop.spans[0].kind == SpanKind::iteration);
        CHECK(loop.spans[1].kind == SpanKind::callback);
        CHECK(loop.spans[2].kind == SpanKind::step);
    }
    SECTION("a step span carries its task id from args.task") { CHECK(lane_named(trace, "loop").spans[2].task == 99); }
    SECTION("a span's args are kept as compact JSON text") {
        const Lane& loop = lane_named(trace, "loop");
        CHECK(trace.text(loop.spans[2].args) == R"({"task":99})");
        CHECK(loop.spans[0].args == no_string);
    }
    SECTION("an instant keeps its detail") {
        const Lane& loop = lane_named(trace, "loop");
        REQUIRE(loop.instants.size() == 1);
        CHECK(trace.text(loop.instants[0].detail) == "sleep");
        CHECK(loop.instants[0].delay_us == -1);
    }
    SECTION("a counter becomes a series named after it") {
        REQUIRE(trace.counters.size() == 1);
        CHECK(trace.counters[0].name == "ready queue");
        CHECK(trace.counters[0].samples[0].second == 4);
    }
    SECTION("the run_once spans are the iterations") { CHECK(trace.iterations.size() == 1); }
    SECTION("nothing was skipped") {
        CHECK(trace.stats.events == 6);
        CHECK(trace.stats.skipped == 0);
        CHECK(trace.stats.warnings.empty());
    }
}

TEST_CASE("A bare array of events loads like a traceEvents object", "[viewer]") {
    const Trace trace = load(R"([{"ph":"X","name":"a","pid":1,"tid":7,"ts":5,"dur":1}])");
    REQUIRE(trace.lanes.size() == 1);
    CHECK(trace.lanes[0].name == "thread-7");
    CHECK(trace.lanes[0].kind == LaneKind::other);
}

TEST_CASE("An X event without dur is a span of no width", "[viewer]") {
    const Trace trace = load(R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":5}])");
    CHECK(trace.lanes[0].spans[0].duration() == 0);
}

TEST_CASE("Args written with whitespace are squeezed into compact JSON", "[viewer]") {
    const Trace trace = load(R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":5,"dur":1,
        "args" : { "x" : [1, 2] , "s": "a b" }  }])");
    CHECK(trace.text(trace.lanes[0].spans[0].args) == R"({"x":[1,2],"s":"a b"})");
}

TEST_CASE("B and E events pair per thread as a stack", "[viewer]") {
    const Trace trace = load(R"([
        {"ph":"B","name":"outer","pid":1,"tid":1,"ts":0},
        {"ph":"B","name":"other thread","pid":1,"tid":2,"ts":1},
        {"ph":"B","name":"inner","pid":1,"tid":1,"ts":2,"cat":"callback"},
        {"ph":"E","pid":1,"tid":1,"ts":3},
        {"ph":"E","pid":1,"tid":2,"ts":8},
        {"ph":"E","pid":1,"tid":1,"ts":10}])");
    const Lane& one = lane_named(trace, "thread-1");
    REQUIRE(one.spans.size() == 2);
    SECTION("an E closes the latest B on its own thread") {
        CHECK(trace.text(one.spans[1].name) == "inner");
        CHECK(one.spans[1].end == 3);
        CHECK(one.spans[0].end == 10);
        CHECK(lane_named(trace, "thread-2").spans[0].end == 8);
    }
    SECTION("the inner span is one deeper") {
        CHECK(one.spans[0].depth == 0);
        CHECK(one.spans[1].depth == 1);
    }
    SECTION("the category of the B gives the kind") { CHECK(one.spans[1].kind == SpanKind::callback); }
}

TEST_CASE("An E without a B is skipped and counted, and a B without an E runs to the end", "[viewer]") {
    const Trace trace = load(R"([
        {"ph":"E","pid":1,"tid":1,"ts":1},
        {"ph":"B","name":"open","pid":1,"tid":1,"ts":2},
        {"ph":"X","name":"late","pid":1,"tid":2,"ts":20,"dur":5}])");
    SECTION("the stray E is counted") {
        CHECK(trace.stats.skipped == 1);
        CHECK_THAT(trace.stats.warnings.front() + trace.stats.warnings.back(), Catch::Contains("without a matching begin"));
    }
    SECTION("the open B ends where the trace ends") { CHECK(lane_named(trace, "thread-1").spans[0].end == trace.end); }
}

TEST_CASE("pids and tids may be strings, and several pids name lanes by both", "[viewer]") {
    const Trace trace = load(R"([
        {"ph":"X","name":"a","pid":"renderer","tid":"main","ts":1,"dur":1},
        {"ph":"X","name":"b","pid":2,"tid":"7","ts":2,"dur":1},
        {"ph":"X","name":"c","pid":"2","tid":7,"ts":3,"dur":1}])");
    REQUIRE(trace.lanes.size() == 2);
    SECTION("a lane is named pid / tid") {
        CHECK(trace.lanes[0].name == "pid renderer / tid main");
        CHECK(trace.lanes[1].name == "pid 2 / tid 7");
    }
    SECTION("a numeric string is the same thread as the number") {
        CHECK(trace.lanes[1].spans.size() == 2);
        CHECK(trace.lanes[1].pid == 2);
        CHECK(trace.lanes[1].tid == 7);
    }
}

TEST_CASE("Lanes are ordered loop first, then executors by number, then the rest by first event", "[viewer]") {
    const Trace trace = load(trace_of(events(
        x("x", "early", 0, 1, 9), x("x", "later", 5, 1, 8), x("executor", "job", 1, 1, 4), x("executor", "job", 2, 1, 3),
        x("callback", "cb", 3, 1, 2), thread_name(4, "executor-10"), thread_name(3, "executor-2"), thread_name(2, "loop"))));
    REQUIRE(trace.lanes.size() == 5);
    CHECK(trace.lanes[0].name == "loop");
    CHECK(trace.lanes[1].name == "executor-2");
    CHECK(trace.lanes[2].name == "executor-10");
    CHECK(trace.lanes[3].name == "thread-9");
    CHECK(trace.lanes[4].name == "thread-8");
    CHECK(trace.lanes[1].kind == LaneKind::executor);
}

TEST_CASE("Instants read args.delay_us when the kit records it", "[viewer]") {
    const Trace trace = load(trace_of(events(instant("timer", "call_at", 10, R"({"detail":"sleep","delay_us":250000})"),
                                             instant("slow", "slow callback", 11, R"({"detail":"Executing tick took 0.5 seconds"})"))));
    const auto& instants = trace.lanes[0].instants;
    CHECK(instants[0].delay_us == 250000);
    CHECK(instants[1].delay_us == -1);
    CHECK(trace.text(instants[1].detail) == "Executing tick took 0.5 seconds");
}

TEST_CASE("Counters make one series per name and args key", "[viewer]") {
    const Trace trace = load(R"([
        {"ph":"C","name":"ready queue","pid":1,"tid":1,"ts":1,"args":{"length":1}},
        {"ph":"C","name":"memory","pid":1,"tid":1,"ts":2,"args":{"heap":10,"stack":2}},
        {"ph":"C","name":"ready queue","pid":1,"tid":1,"ts":3,"args":{"length":0}}])");
    REQUIRE(trace.counters.size() == 3);
    CHECK(trace.counters[0].name == "ready queue");
    CHECK(trace.counters[0].samples.size() == 2);
    CHECK(trace.counters[1].name == "memory heap");
    CHECK(trace.counters[2].name == "memory stack");
}

TEST_CASE("Unknown phases and wrong-typed fields are skipped, counted and summed up in a few warnings", "[viewer]") {
    const Trace trace = load(R"([
        {"ph":"X","name":"good","pid":1,"tid":1,"ts":1,"dur":1},
        {"ph":"P","pid":1,"tid":1,"ts":2},
        {"ph":"X","name":"a","pid":1,"tid":1,"ts":"3"},
        {"ph":"X","name":"b","pid":1,"tid":1},
        {"ph":"X","name":"c","pid":1,"tid":1,"ts":null},
        {"ph":"X","name":["d"],"pid":1,"tid":1,"ts":3},
        {"name":"no phase","ts":4},
        7])");
    SECTION("the good event loads") { CHECK(trace.lanes[0].spans.size() == 1); }
    SECTION("every other event is counted") {
        CHECK(trace.stats.events == 8);
        CHECK(trace.stats.skipped == 7);
    }
    SECTION("the commonest problem comes first, as a sentence") {
        CHECK(trace.stats.warnings.front() == "3 events without a numeric ts were skipped");
    }
    SECTION("there are at most a few warnings") { CHECK(trace.stats.warnings.size() <= 5); }
}

TEST_CASE("Flow steps (t) are read and dropped without counting as skipped", "[viewer]") {
    const Trace trace = load(trace_of(events(x("callback", "a", 0, 5), flow('s', "call_soon", 1, 3), flow('t', "call_soon", 2, 3),
                                             x("callback", "b", 10, 5), flow('f', "call_soon", 10.5, 3))));
    CHECK(trace.stats.skipped == 0);
    REQUIRE(trace.flows.size() == 1);
    CHECK(trace.flows[0].ended);
}

TEST_CASE("Async spans of categories other than task are skipped", "[viewer]") {
    const Trace trace = load(R"([{"ph":"b","cat":"net","name":"fetch","id":1,"pid":1,"tid":1,"ts":1},
                                  {"ph":"X","name":"x","pid":1,"tid":1,"ts":1,"dur":1}])");
    CHECK(trace.tasks.empty());
    CHECK(trace.stats.skipped == 1);
}

TEST_CASE("A Trace can be copied and moved, and interning still works on the copy", "[viewer]") {
    Trace trace = load(R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":1}])");
    Trace copy = trace;
    CHECK(copy.intern("a") == trace.intern("a"));
    const std::uint32_t fresh = copy.intern("only in the copy");
    CHECK(copy.text(fresh) == "only in the copy");
    Trace moved = std::move(copy);
    CHECK(moved.intern("only in the copy") == fresh);
    CHECK(moved.text(no_string).empty());
}

TEST_CASE("A trace stamped in microseconds since the Unix epoch loads, shifted to start at 0", "[viewer]") {
    constexpr double epoch = 1732550000000000;  // 25 Nov 2024, as many tools write ts
    const Trace trace = load(trace_of(events(thread_name(1, "loop"), x("callback", "first", epoch + 10, 25),
                                             instant("loop", "mark", epoch + 50), x("callback", "second", epoch + 100.5, 10),
                                             flow('s', "call_soon", epoch + 20, 1), flow('f', "call_soon", epoch + 100.75, 1))));
    CHECK(trace.stats.skipped == 0);
    CHECK(trace.stats.warnings.empty());
    const Lane& loop = lane_named(trace, "loop");
    REQUIRE(loop.spans.size() == 2);
    CHECK(loop.spans[0].start == 0);
    CHECK(loop.spans[0].end == 25);
    CHECK(loop.spans[1].start == 90.5);
    REQUIRE(loop.instants.size() == 1);
    CHECK(loop.instants[0].ts == 40);
    REQUIRE(trace.flows.size() == 1);
    CHECK(trace.flows[0].end == 90.75);
    CHECK(name_of(trace, trace.flows[0].effect) == "second");
    CHECK(trace.end == 100.5);
}

TEST_CASE("Events whose ts lies decades from the rest are skipped, not allowed to squash the trace", "[viewer]") {
    constexpr double epoch = 1732550000000000;
    SECTION("a stray ts of 0 among epoch times") {
        const Trace trace = load(trace_of(events(x("callback", "stray", 0, 1), x("callback", "a", epoch, 5),
                                                 x("callback", "b", epoch + 10, 5))));
        CHECK(trace.stats.skipped == 1);
        CHECK(trace.stats.warnings.at(0) == "1 event with a ts more than 31 years away from the rest of the trace was skipped");
        REQUIRE(trace.lanes.at(0).spans.size() == 2);
        CHECK(trace.lanes[0].spans[0].start == 0);
        CHECK(trace.end == 15);
    }
    SECTION("a stray epoch time among small times, on its own lane, and a lone far E") {
        const Trace trace = load(R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":5},
                                      {"ph":"B","name":"b","pid":1,"tid":1,"ts":7},
                                      {"ph":"E","pid":1,"tid":1,"ts":9e16},
                                      {"ph":"X","name":"c","pid":1,"tid":2,"ts":1732550000000000,"dur":5}])");
        CHECK(trace.stats.skipped == 2);
        CHECK(trace.end == 7);  // b is never closed now: drawn to the end
        CHECK(lane_named(trace, "thread-2").spans.empty());
    }
    SECTION("absurd times are still refused") {
        const Trace trace = load(R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":1e18,"dur":1},
                                      {"ph":"X","name":"b","pid":1,"tid":1,"ts":-1e300,"dur":1},
                                      {"ph":"X","name":"c","pid":1,"tid":1,"ts":1732550000000000,"dur":1e16},
                                      {"ph":"X","name":"ok","pid":1,"tid":1,"ts":1732550000000000,"dur":3}])");
        CHECK(trace.stats.skipped == 3);
        CHECK(trace.end == 3);
    }
}
