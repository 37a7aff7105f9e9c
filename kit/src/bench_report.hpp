// bench_report: turns the benchmark programs' JSON lines (bench/measure.hpp) into the table and
// the ratio lines ./looplab bench prints. Kept apart from running them, so kit tests check it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace looplab::kit {

struct Measurement {
  std::string workload;  // "callbacks_queued"
  std::string peer;      // "looplab", "asio", "asyncio", "uvloop" ("looplab-notrace": recorder compiled out)
  std::string metric;    // "rate"
  double value = 0;
  std::string unit;      // "callbacks/s"; a unit ending in "/s" is better when higher
};

// The measurements in `output`: every line that is one JSON object of the contract. Other lines
// (notes, warnings) are skipped; a line that starts with '{' but is not a measurement is an error
// and goes to `problems`.
std::vector<Measurement> parse_measurements(std::string_view output, std::vector<std::string>& problems);

bool higher_is_better(std::string_view unit);

// The peers in the order the table and the ratio lines show them.
inline constexpr std::string_view bench_peers[] = {"looplab", "asio", "asyncio", "uvloop"};

// The figure of `peer` for `workload`/`metric`, if measured.
std::optional<double> find_value(const std::vector<Measurement>& all, std::string_view workload,
                                 std::string_view metric, std::string_view peer);

// "ratio callbacks_queued: looplab/asio=1.23 looplab/asyncio=45.6" for workloads 1 to 6 (their
// headline metric), each ratio oriented so that higher is better for looplab; a peer without a
// figure is left out; a workload looplab has no figure for gets no line.
std::vector<std::string> ratio_lines(const std::vector<Measurement>& all);

// What one trace event costs, from the trace_event workload of both builds: nanoseconds per
// event while recording (against the build with the recorder compiled out), and nanoseconds per
// callback when it is built in but not recording. Empty when a figure is missing.
struct TraceCost {
  double ns_per_event_recording = 0;
  double ns_per_callback_idle = 0;
  double events_per_callback = 0;
};
std::optional<TraceCost> trace_cost(const std::vector<Measurement>& all);

// The whole table, one row per workload and metric, one column per peer.
std::string bench_table(const std::vector<Measurement>& all);

}  // namespace looplab::kit
