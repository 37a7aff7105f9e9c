// cmd_bench.cpp: ./looplab bench. The measuring is done by looplab-bench (bench/, the reference
// loop and Asio) and bench/bench_asyncio.py (CPython's asyncio and uvloop); this runs them in one
// go and reports what they measured (bench_report.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "bench_report.hpp"
#include "commands.hpp"
#include "kit_checks.hpp"
#include "process.hpp"

namespace looplab::kit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct BenchRun {
  std::vector<std::string> argv;
  std::string relabel;  // a peer name for every measurement of this run (empty: keep theirs)
  std::string what;     // for messages: "looplab-bench"
  bool students = false;  // the student's loop: it may be unfinished, or stuck
};

// Debian's interpreter first: python3-uvloop installs for it, and a python3 earlier on PATH
// (pyenv, a virtualenv) may not have uvloop.
std::optional<fs::path> bench_python() {
  if (fs::exists("/usr/bin/python3")) return fs::path("/usr/bin/python3");
  return find_program("python3");
}

std::vector<std::string> size_args(bool quick, int repeat) {
  std::vector<std::string> args;
  if (quick) args.emplace_back("--quick");
  if (repeat > 0) args.insert(args.end(), {"--repeat", std::to_string(repeat)});
  return args;
}

std::vector<BenchRun> bench_runs(const KitPaths& paths, bool quick, int repeat, bool yours) {
  const auto sizes = size_args(quick, repeat);
  auto with_sizes = [&](std::vector<std::string> argv) {
    argv.insert(argv.end(), sizes.begin(), sizes.end());
    return argv;
  };
  const fs::path bench = paths.root / "build" / "bench" / "bench" / "looplab-bench";
  const fs::path notrace = paths.root / "build" / "bench-notrace" / "bench" / "looplab-bench";
  std::vector<BenchRun> runs = {
      {with_sizes({bench.string()}), "", "looplab-bench"},
      {with_sizes({notrace.string(), "--trace-only"}), "looplab-notrace", "looplab-bench (trace compiled out)"},
  };
  if (yours) {
    const fs::path theirs = paths.root / "build" / "bench" / "bench" / "looplab-bench-yours";
    runs.push_back({with_sizes({theirs.string(), "--peer", "looplab"}), "yours", "your loop (labs/loop)", true});
  }
  if (auto python = bench_python()) {
    runs.push_back({with_sizes({python->string(), (paths.root / "bench" / "bench_asyncio.py").string()}), "",
                    "bench_asyncio.py"});
  } else {
    fmt::print("No python3: CPython's asyncio and uvloop are left out.\n");
  }
  return runs;
}

// Runs one program and adds its measurements; false (and says why) when it failed.
bool collect(const BenchRun& run, bool quick, std::vector<Measurement>& all, bool verbose) {
  if (verbose) fmt::print("running {} ...\n", run.what);
  std::fflush(stdout);
  RunOptions options;
  // The reference's workloads take half a minute; a student's loop that takes ten is stuck.
  options.timeout = quick ? 120s : run.students ? 10min : 30min;
  RunResult result = run_process(run.argv, options);
  std::vector<std::string> problems;
  auto found = parse_measurements(result.output, problems);
  for (auto& m : found) {
    if (!run.relabel.empty()) m.peer = run.relabel;
    all.push_back(std::move(m));
  }
  // Notes the programs print (uvloop missing, ...) are worth passing on; the JSON lines are not.
  for (std::string_view rest = result.output; !rest.empty();) {
    const auto end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, end);
    if (verbose && !line.empty() && line.front() != '{') fmt::print("  {}\n", line);
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  for (const auto& problem : problems) fmt::print("  {}\n", problem);
  if (result.exited_cleanly() && problems.empty() && !found.empty()) return true;
  if (run.students && result.exited_cleanly() && found.empty()) {
    fmt::print("{}: no workload could run on it yet; each line above names the labs it needs.\n", run.what);
    return false;
  }
  if (run.students && result.timed_out) {
    fmt::print("{} FAILED: still running after {} min. A workload never finished on your loop: does run_forever "
               "return after stop()? Does every lab's check pass?\n", run.what,
               std::chrono::duration_cast<std::chrono::minutes>(options.timeout).count());
    return false;
  }
  fmt::print("{} FAILED: {}\n", run.what, result.exited_cleanly() ? "no measurements in its output" : describe(result));
  if (!verbose) fmt::print("{}\n", result.output);
  return false;
}

}  // namespace

void test_bench_quick(const KitPaths& paths, Tally& tally) {
  std::vector<Measurement> all;
  bool ok = true;
  const auto runs = bench_runs(paths, true, 0, false);
  for (const BenchRun& run : runs) ok = collect(run, true, all, false) && ok;
  // Every workload 1-6 must have its ratio line with Asio at least, and the trace cost its figure.
  const auto ratios = ratio_lines(all);
  const bool complete = ratios.size() == 6 && trace_cost(all).has_value() &&
                        std::all_of(ratios.begin(), ratios.end(),
                                    [](const std::string& line) { return line.find("looplab/asio=") != std::string::npos; });
  fmt::print("bench --quick: {} programs, {} measurements, {} ratio lines{}\n", runs.size(), all.size(), ratios.size(),
             ok && complete ? "" : " FAILED: a workload is missing (run ./looplab bench --quick to see which)");
  tally.add(ok && complete);
}

int cmd_bench(const KitPaths& paths, bool quick, int repeat, bool yours) {
  std::vector<Measurement> all;
  bool ok = true;
  for (const BenchRun& run : bench_runs(paths, quick, repeat, yours)) ok = collect(run, quick, all, true) && ok;
  fmt::print("\n{}", bench_table(all));
  if (auto cost = trace_cost(all)) {
    fmt::print("\ntrace recorder: {:.1f} ns per event while recording ({:.1f} events per callback), "
               "{:.1f} ns per callback built in but not recording\n",
               cost->ns_per_event_recording, cost->events_per_callback, cost->ns_per_callback_idle);
  }
  fmt::print("\n");
  for (const std::string& line : ratio_lines(all)) fmt::print("{}\n", line);
  if (quick) fmt::print("\n(--quick: tiny sizes run once, a smoke test; the figures mean little)\n");
  return ok ? 0 : 1;
}

}  // namespace looplab::kit
