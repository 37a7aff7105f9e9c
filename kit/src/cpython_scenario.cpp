// cpython_scenario.cpp: CPython next to C++. python/seed_scenario.py runs lab 06's seed scenario
// on CPython's own asyncio loop and traces it in the kit's schema (python/looplab_trace.py);
// this file runs it for `./looplab view 6 --python` and checks it in `./looplab test`. Python is
// optional: without python3 both say so and go on without it.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "kit_checks.hpp"
#include "process.hpp"
#include "trace_check.hpp"

namespace looplab::kit {

namespace fs = std::filesystem;

std::optional<fs::path> run_python_scenario(const KitPaths& paths, bool echo) {
    auto python = find_program("python3");
    if (!python) {
        fmt::print("No python3 on PATH, so CPython's run of the seed scenario is left out.\n");
        return std::nullopt;
    }
    fs::create_directories(paths.traces());
    const fs::path trace = paths.traces() / "lab06-python.json";
    fs::remove(trace);
    fs::remove(paths.traces() / "lab06-python-blocking.json");
    const fs::path script = paths.root / "python" / "seed_scenario.py";
    RunOptions options;
    options.timeout = std::chrono::seconds(60);
    // -u: its lines and asyncio's debug warning (stderr) come out in the order they happen;
    // -B: no __pycache__ folder in the source tree.
    RunResult result = run_process({python->string(), "-u", "-B", script.string(), trace.string()}, options);
    if (echo || !result.exited_cleanly()) fmt::print("{}", result.output);
    if (!result.exited_cleanly()) {
        fmt::print("python/seed_scenario.py: {}\n", describe(result));
        return std::nullopt;
    }
    return trace;
}

namespace {

// One trace of the pair must follow the schema and have a loop lane; prints its problems.
bool python_trace_follows_schema(const fs::path& trace) {
    TraceReport report = check_trace(read_file(trace));
    const bool ok = report.problems.empty() && report.has_loop_thread && report.events > 0;
    fmt::print("python seed scenario: {} {} ({} events, {} thread(s), {} callbacks)\n", trace.filename().string(),
               ok ? "follows the schema" : "BREAKS the schema", report.events, report.threads, report.callbacks);
    for (const auto& problem : report.problems) fmt::print("  {}\n", problem);
    if (!report.has_loop_thread) fmt::print("  no thread is named \"loop\"\n");
    return ok;
}

// The viewer must open CPython's traces as it opens the C++ ones: a headless picture of both.
void test_python_traces_in_viewer(const KitPaths& paths, const Manifest& manifest, const fs::path& offloaded,
                                  const fs::path& blocking, Tally& tally) {
    const fs::path png = paths.build / "viewer-python-check.png";
    fs::remove(png);
    RunResult result = run_viewer_captured(
        manifest, {"--screenshot", png.string(), "--frames", "3", blocking.string(), offloaded.string()}, std::chrono::seconds(60));
    const bool ok = result.exited_cleanly() && fs::exists(png) && fs::file_size(png) > 20'000;
    fmt::print("viewer: headless screenshot of CPython's traces {}\n",
               ok ? fmt::format("written ({} KB)", fs::file_size(png) / 1024) : "FAILED: " + describe(result));
    if (!ok) fmt::print("{}", result.output);
    tally.add(ok);
}

}  // namespace

void test_python_scenario(const KitPaths& paths, const Manifest& manifest, Tally& tally) {
    if (!find_program("python3")) {
        fmt::print("python seed scenario: skipped (no python3 on PATH; CPython's side of lab 06 is optional)\n");
        return;
    }
    auto offloaded = run_python_scenario(paths, false);
    if (!offloaded) return tally.add(false);
    const fs::path blocking = offloaded->parent_path() / "lab06-python-blocking.json";
    if (!fs::exists(blocking)) {
        fmt::print("python seed scenario: {} was not written\n", paths.relative(blocking.string()));
        return tally.add(false);
    }
    const bool offloaded_ok = python_trace_follows_schema(*offloaded);
    const bool ok = python_trace_follows_schema(blocking) && offloaded_ok;  // both checked, both reported
    tally.add(ok);
    if (!ok) return;
    test_seed_scenario("python", *offloaded, blocking, tally);
    test_python_traces_in_viewer(paths, manifest, *offloaded, blocking, tally);
}

}  // namespace looplab::kit
