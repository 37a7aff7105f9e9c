// bench_report.cpp: the benchmark's table and ratio lines (see bench_report.hpp).
#include "bench_report.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace looplab::kit {
namespace {

// Workloads 1 to 6 of issue 8, each with the metric its ratio line compares.
constexpr std::pair<std::string_view, std::string_view> headline[] = {
    {"callbacks_queued", "rate"},  {"callbacks_chained", "rate"}, {"task_switch", "switch"},
    {"executor_round_trip", "p50"}, {"timers", "overhead"},       {"sleeping_tasks", "memory"},
};

std::optional<Measurement> measurement_from(const nlohmann::json& line) {
  if (!line.is_object()) return std::nullopt;
  for (const char* key : {"workload", "peer", "metric", "unit"}) {
    if (!line.contains(key) || !line[key].is_string()) return std::nullopt;
  }
  if (!line.contains("value") || !line["value"].is_number()) return std::nullopt;
  return Measurement{line["workload"], line["peer"], line["metric"], line["value"].get<double>(), line["unit"]};
}

// 12.3 M, 456 k, 7.89: three significant figures, in the unit's own scale.
std::string format_value(double value) {
  if (value >= 1e6) return fmt::format("{:.3g} M", value / 1e6);
  if (value >= 1e4) return fmt::format("{:.3g} k", value / 1e3);
  return fmt::format("{:.3g}", value);
}

}  // namespace

std::vector<Measurement> parse_measurements(std::string_view output, std::vector<std::string>& problems) {
  std::vector<Measurement> found;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    const std::string_view line = output.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.front() != '{') continue;
    auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (auto m = measurement_from(parsed)) {
      found.push_back(std::move(*m));
    } else {
      problems.push_back(fmt::format("not a measurement: {}", line.substr(0, 200)));
    }
  }
  return found;
}

bool higher_is_better(std::string_view unit) { return unit.ends_with("/s"); }

std::optional<double> find_value(const std::vector<Measurement>& all, std::string_view workload,
                                 std::string_view metric, std::string_view peer) {
  for (const Measurement& m : all) {
    if (m.workload == workload && m.metric == metric && m.peer == peer) return m.value;
  }
  return std::nullopt;
}

std::vector<std::string> ratio_lines(const std::vector<Measurement>& all) {
  std::vector<std::string> lines;
  for (const auto& [workload, metric] : headline) {
    auto mine = find_value(all, workload, metric, "looplab");
    if (!mine) continue;
    const auto unit = std::find_if(all.begin(), all.end(), [&](const Measurement& m) {
                        return m.workload == workload && m.metric == metric;
                      })->unit;
    std::string line = fmt::format("ratio {}:", workload);
    for (std::string_view peer : bench_peers) {
      auto theirs = find_value(all, workload, metric, peer);
      if (peer == "looplab" || !theirs || *theirs <= 0 || *mine <= 0) continue;
      const double ratio = higher_is_better(unit) ? *mine / *theirs : *theirs / *mine;
      line += fmt::format(" looplab/{}={:.3g}", peer, ratio);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

std::optional<TraceCost> trace_cost(const std::vector<Measurement>& all) {
  auto recording = find_value(all, "trace_event", "recording", "looplab");
  auto idle = find_value(all, "trace_event", "not_recording", "looplab");
  auto events = find_value(all, "trace_event", "events", "looplab");
  auto compiled_out = find_value(all, "trace_event", "not_recording", "looplab-notrace");
  if (!recording || !idle || !events || !compiled_out || *events <= 0) return std::nullopt;
  return TraceCost{(*recording - *compiled_out) / *events, *idle - *compiled_out, *events};
}

std::string bench_table(const std::vector<Measurement>& all) {
  std::vector<std::pair<std::string, std::string>> rows;  // (workload, metric), first-seen order
  for (const Measurement& m : all) {
    if (std::find(rows.begin(), rows.end(), std::pair{m.workload, m.metric}) == rows.end()) {
      rows.emplace_back(m.workload, m.metric);
    }
  }
  std::vector<std::string_view> peers(std::begin(bench_peers), std::end(bench_peers));
  peers.insert(peers.begin() + 1, "yours");  // ./looplab bench --yours: the student's loop, beside the reference
  peers.push_back("looplab-notrace");
  std::erase_if(peers, [&](std::string_view peer) {
    return std::none_of(all.begin(), all.end(), [&](const Measurement& m) { return m.peer == peer; });
  });
  std::string table = fmt::format("{:<34}", "workload");
  for (std::string_view peer : peers) table += fmt::format(" {:>15}", peer);
  table += "\n";
  for (const auto& [workload, metric] : rows) {
    std::string unit;
    std::string cells;
    for (std::string_view peer : peers) {
      auto value = find_value(all, workload, metric, peer);
      cells += fmt::format(" {:>15}", value ? format_value(*value) : "-");
    }
    for (const Measurement& m : all) {
      if (m.workload == workload && m.metric == metric) unit = m.unit;
    }
    table += fmt::format("{:<34}{} {}\n", fmt::format("{} {}", workload, metric), cells, unit);
  }
  return table;
}

}  // namespace looplab::kit
