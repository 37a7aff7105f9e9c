// The benchmark's report: parsing the programs' lines, the ratio lines' exact form and direction.
#include <string>
#include <vector>

#include <fmt/core.h>

#include "bench_report.hpp"
#include "looplab_catch.hpp"

using namespace looplab::kit;
using Catch::Matchers::Contains;

namespace {

std::string line(const char* workload, const char* peer, const char* metric, double value, const char* unit) {
  return fmt::format(R"({{"workload": "{}", "peer": "{}", "metric": "{}", "value": {}, "unit": "{}"}})", workload,
                     peer, metric, value, unit) + "\n";
}

std::vector<Measurement> parse(const std::string& output) {
  std::vector<std::string> problems;
  auto found = parse_measurements(output, problems);
  REQUIRE(problems.empty());
  return found;
}

}  // namespace

TEST_CASE("parse_measurements reads the JSON lines and skips notes", "[kit][bench]") {
  std::vector<std::string> problems;
  auto found = parse_measurements("uvloop is not installed; skipping it\n" +
                                      line("callbacks_queued", "asyncio", "rate", 9e5, "callbacks/s") +
                                      "{\"workload\": 3}\n",
                                  problems);
  REQUIRE(found.size() == 1);
  CHECK(found[0].peer == "asyncio");
  CHECK(found[0].value == 9e5);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Contains("not a measurement"));
}

TEST_CASE("a ratio line is oriented so that higher is better for looplab", "[kit][bench]") {
  auto all = parse(line("callbacks_queued", "looplab", "rate", 2e7, "callbacks/s") +
                   line("callbacks_queued", "asio", "rate", 1e7, "callbacks/s") +
                   line("task_switch", "looplab", "switch", 50, "ns/switch") +
                   line("task_switch", "asio", "switch", 100, "ns/switch") +
                   line("task_switch", "asyncio", "switch", 1000, "ns/switch"));
  auto lines = ratio_lines(all);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "ratio callbacks_queued: looplab/asio=2");
  CHECK(lines[1] == "ratio task_switch: looplab/asio=2 looplab/asyncio=20");
}

TEST_CASE("a peer that was not measured is left out of the ratio line", "[kit][bench]") {
  auto all = parse(line("timers", "looplab", "overhead", 4, "ms") + line("timers", "uvloop", "overhead", 8, "ms"));
  CHECK(ratio_lines(all) == std::vector<std::string>{"ratio timers: looplab/uvloop=2"});
}

TEST_CASE("the trace recorder's cost per event compares with the build that compiles it out", "[kit][bench]") {
  auto all = parse(line("trace_event", "looplab", "not_recording", 30, "ns/callback") +
                   line("trace_event", "looplab", "recording", 130, "ns/callback") +
                   line("trace_event", "looplab", "events", 4, "events/callback"));
  CHECK_FALSE(trace_cost(all).has_value());  // no figure from the build without the recorder
  auto notrace = parse(line("trace_event", "looplab", "not_recording", 26, "ns/callback"));
  notrace[0].peer = "looplab-notrace";
  all.push_back(notrace[0]);
  auto cost = trace_cost(all);
  REQUIRE(cost.has_value());
  CHECK(cost->ns_per_event_recording == 26.0);
  CHECK(cost->ns_per_callback_idle == 4.0);
}

TEST_CASE("the table has a row per workload and metric and a column per peer measured", "[kit][bench]") {
  auto all = parse(line("callbacks_queued", "looplab", "rate", 1.5e7, "callbacks/s") +
                   line("executor_round_trip", "asyncio", "p99", 80, "us"));
  const std::string table = bench_table(all);
  CHECK_THAT(table, Contains("looplab") && Contains("asyncio") && !Contains("uvloop"));
  CHECK_THAT(table, Contains("callbacks_queued rate") && Contains("15 M") && Contains("callbacks/s"));
  CHECK_THAT(table, Contains("executor_round_trip p99") && Contains("80"));
}

TEST_CASE("the student's loop gets a column beside the reference's but no ratio of its own", "[kit][bench]") {
  auto all = parse(line("callbacks_chained", "looplab", "rate", 2e7, "callbacks/s") +
                   line("callbacks_chained", "asio", "rate", 4e7, "callbacks/s"));
  auto yours = parse(line("callbacks_chained", "looplab", "rate", 1e7, "callbacks/s"));
  yours[0].peer = "yours";  // as ./looplab bench --yours relabels looplab-bench-yours's lines
  all.push_back(yours[0]);
  const std::string table = bench_table(all);
  const std::string header = table.substr(0, table.find('\n'));
  REQUIRE(header.find("yours") != std::string::npos);
  CHECK(header.find("looplab") < header.find("yours"));
  CHECK(header.find("yours") < header.find("asio"));
  CHECK_THAT(table, Contains("10 M"));
  CHECK(ratio_lines(all) == std::vector<std::string>{"ratio callbacks_chained: looplab/asio=0.5"});
}
