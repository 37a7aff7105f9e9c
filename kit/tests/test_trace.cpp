// The trace recorder (labs/common/trace.hpp) and the schema check (kit/src/trace_check.hpp):
// what the recorder writes must follow labs/common/TRACE_SCHEMA.md, and the check must catch
// a trace that does not.
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "looplab_catch.hpp"
#include "trace.hpp"
#include "trace_check.hpp"

namespace trace = looplab::trace;
using looplab::kit::check_trace;

namespace {

// Records a tiny session on this thread: one named thread, one callback with a flow into it.
std::string record_small_session(const std::string& callback_name) {
    trace::start();
    trace::set_thread_name("loop");
    std::uint64_t flow = trace::start_flow("call_soon");
    {
        trace::Span span(trace::Category::callback, callback_name);
        trace::flow_end(flow, "call_soon");
    }
    trace::counter("ready queue", "length", 3);
    trace::instant(trace::Category::timer, "fired", "timer #1");
    trace::stop();
    return trace::to_json();
}

}  // namespace

TEST_CASE("The recorder writes a trace that follows the schema", "[kit][trace]") {
    auto report = check_trace(record_small_session("tick"));
    CAPTURE(report.problems);
    REQUIRE(report.problems.empty());
    CHECK(report.has_loop_thread);
    CHECK(report.callbacks == 1);
    CHECK(report.flows == 1);
}

TEST_CASE("Names with quotes, backslashes and newlines survive as valid JSON", "[kit][trace]") {
    const std::string name = "say \"hi\"\\\n\tnow";
    auto doc = nlohmann::json::parse(record_small_session(name));
    bool found = false;
    for (const auto& e : doc["traceEvents"]) found = found || (e.value("cat", "") == "callback" && e["name"] == name);
    REQUIRE(found);
}

TEST_CASE("Nothing is recorded while no session is running", "[kit][trace]") {
    trace::start();
    trace::stop();
    { trace::Span span(trace::Category::callback, "after stop"); }
    auto doc = nlohmann::json::parse(trace::to_json());
    for (const auto& e : doc["traceEvents"]) CHECK(e.value("ph", "") == "M");
}

TEST_CASE("Each thread records into its own lane, with its own name", "[kit][trace]") {
    trace::start();
    trace::set_thread_name("loop");
    std::thread worker([] {
        trace::set_thread_name("executor-0");
        trace::Span span(trace::Category::executor, "job");
    });
    worker.join();
    trace::stop();
    auto doc = nlohmann::json::parse(trace::to_json());
    int executor_tid = -1, job_tid = -2;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] == "M" && e["args"]["name"] == "executor-0") executor_tid = e["tid"];
        if (e.value("cat", "") == "executor") job_tid = e["tid"];
    }
    CHECK(executor_tid == job_tid);
}

TEST_CASE("An enclosing span is written before the spans inside it", "[kit][trace]") {
    trace::start();
    {
        trace::Span outer(trace::Category::iteration, "run_once");
        trace::Span inner(trace::Category::callback, "cb");
    }
    trace::stop();
    auto doc = nlohmann::json::parse(trace::to_json());
    std::vector<std::string> order;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] == "X") order.push_back(e["name"]);
    }
    REQUIRE(order == std::vector<std::string>{"run_once", "cb"});
}

TEST_CASE("Events given a span's start share its timestamp", "[kit][trace]") {
    trace::start();
    const std::uint64_t flow = trace::start_flow("call_soon");
    {
        trace::Span span(trace::Category::callback, "cb");
        trace::counter("ready queue", "length", 2, span.started());
        trace::flow_end(flow, "call_soon", span.started());
    }
    trace::stop();
    auto doc = nlohmann::json::parse(trace::to_json());
    double span_ts = -1, counter_ts = -2, flow_end_ts = -3;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] == "X") span_ts = e["ts"];
        if (e["ph"] == "C") counter_ts = e["ts"];
        if (e["ph"] == "f") flow_end_ts = e["ts"];
    }
    CHECK(counter_ts == span_ts);
    CHECK(flow_end_ts == span_ts);
}

TEST_CASE("A span still open when a new session starts is left out of the new one", "[kit][trace]") {
    trace::start();
    {
        trace::Span stale(trace::Category::callback, "from the first session");
        trace::start();  // forgets the first session's events and the text the span's name is in
        trace::Span fresh(trace::Category::callback, "from the second session");
    }
    trace::stop();
    auto doc = nlohmann::json::parse(trace::to_json());
    std::vector<std::string> spans;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] == "X") spans.push_back(e["name"]);
    }
    CHECK(spans == std::vector<std::string>{"from the second session"});
}

TEST_CASE("Events keep their own copy of names the caller has since destroyed", "[kit][trace]") {
    trace::start();
    for (int i = 0; i < 3; ++i) {
        std::string name = "callback number " + std::to_string(i) + " with a name too long for SSO";
        trace::Span span(trace::Category::callback, name);
        trace::instant(trace::Category::timer, "fired", name, "delay_us", i);
        name.assign(name.size(), 'x');  // what the recorder copied must not change with it
    }
    trace::stop();
    auto doc = nlohmann::json::parse(trace::to_json());
    std::vector<std::string> names, details;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] == "X") names.push_back(e["name"]);
        if (e["ph"] == "i") details.push_back(e["args"]["detail"]);
    }
    const std::vector<std::string> expected{"callback number 0 with a name too long for SSO",
                                            "callback number 1 with a name too long for SSO",
                                            "callback number 2 with a name too long for SSO"};
    CHECK(names == expected);
    CHECK(details == expected);
}

TEST_CASE("A session of many events keeps every one, in order", "[kit][trace]") {
    constexpr int count = 10'000;  // more than two of the recorder's chunks
    trace::start();
    for (int i = 0; i < count; ++i) trace::counter("ready queue", "length", i);
    trace::stop();
    REQUIRE(trace::event_count() == count);
    auto doc = nlohmann::json::parse(trace::to_json());
    int next = 0;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] != "C") continue;
        if (e["args"]["length"] != next) break;
        ++next;
    }
    CHECK(next == count);
}

TEST_CASE("Ticker steps count as inside the executor job only when they lie within its span", "[kit][trace]") {
    const std::string trace = R"({"traceEvents":[
        {"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"loop"}},
        {"ph":"M","name":"thread_name","pid":1,"tid":2,"args":{"name":"executor-0"}},
        {"ph":"X","cat":"executor","name":"run_in_executor","pid":1,"tid":2,"ts":100,"dur":500},
        {"ph":"X","cat":"step","name":"ticker-0","pid":1,"tid":1,"ts":150,"dur":1},
        {"ph":"X","cat":"step","name":"ticker-1","pid":1,"tid":1,"ts":599,"dur":5},
        {"ph":"X","cat":"step","name":"main","pid":1,"tid":1,"ts":200,"dur":1},
        {"ph":"X","cat":"step","name":"ticker-2","pid":1,"tid":1,"ts":50,"dur":1}]})";
    CHECK(looplab::kit::steps_inside_executor_spans(trace, "ticker") == 1);
    CHECK(looplab::kit::steps_inside_executor_spans("not json", "ticker") == 0);
}

TEST_CASE("The schema check rejects what the viewer could not read", "[kit][trace]") {
    SECTION("text that is not JSON") {
        CHECK_FALSE(check_trace("{\"traceEvents\": [").problems.empty());
    }
    SECTION("a document without a traceEvents array") {
        CHECK_FALSE(check_trace(R"({"events": []})").problems.empty());
    }
    SECTION("an event with a category outside the schema") {
        auto report = check_trace(
            R"({"traceEvents":[{"ph":"X","cat":"mystery","name":"a","pid":1,"tid":1,"ts":0,"dur":1}]})");
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find("mystery") != std::string::npos);
    }
    SECTION("a complete event without a duration") {
        CHECK_FALSE(check_trace(R"({"traceEvents":[{"ph":"X","cat":"callback","name":"a","pid":1,"tid":1,"ts":0}]})")
                        .problems.empty());
    }
    SECTION("a flow that ends without starting") {
        CHECK_FALSE(check_trace(R"({"traceEvents":[{"ph":"f","cat":"flow","name":"call_soon","pid":1,"tid":1,"ts":0,"id":7,"bp":"e"}]})")
                        .problems.empty());
    }
}
