// commands.hpp: one function per ./looplab command. Each returns the process exit code:
// 0 when all is well, 1 when something the user should look at failed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kit_paths.hpp"

namespace looplab::kit {

// --- the kit itself (cmd_kit.cpp) ---------------------------------------------------------
int cmd_test(const KitPaths& paths);
// `test --sanitize` (cmd_sanitize.cpp): the reference tests of the sanitizer builds the script
// made, ASan+UBSan for every lab and TSan for the labs with threads.
int cmd_test_sanitize(const KitPaths& paths, const std::filesystem::path& asan_build, const std::filesystem::path& tsan_build);
int cmd_demo(const KitPaths& paths, int lab, bool reference);
int cmd_validate_trace(const std::string& file);
int cmd_starter(const std::string& from, const std::string& to, bool check_only, bool quiet);
// Writes the planted copies of the loop the build compiles lab 01's tests on (plants.hpp).
int cmd_plants(const std::string& from, const std::string& to, const std::vector<std::string>& names);

// --- the benchmarks (cmd_bench.cpp) ---------------------------------------------------------
// Runs looplab-bench from the two bench builds the script made (build/bench, and build/bench-notrace
// with the trace recorder compiled out) and bench/bench_asyncio.py when python3 is there; prints
// the table, the trace recorder's cost and one ratio line per workload. `quick`: tiny sizes, once.
// `repeat` > 0 overrides the number of runs per workload. `yours`: also looplab-bench-yours, the
// same workloads on the student's loop, shown in a "yours" column (the ratios stay the reference's).
int cmd_bench(const KitPaths& paths, bool quick, int repeat, bool yours);

// --- the fuzz targets (cmd_fuzz.cpp) ------------------------------------------------------
// Runs each libFuzzer target of the fuzz build the script made (build/fuzz), or only `only`, for
// `seconds` each, and prints one line per target: how long, how many inputs, and any finding.
int cmd_fuzz(const KitPaths& paths, const std::filesystem::path& fuzz_build, int seconds, const std::string& only);

// --- the viewer (cmd_viewer.cpp) -----------------------------------------------------------
// Runs looplab-viewer with `args` (none: the built-in demo); without a display, a screenshot is
// rendered under xvfb-run.
int cmd_run(const KitPaths& paths, const std::vector<std::string>& args);
// Runs lab N's demo on the student's loop (or the reference) and opens its traces; `compare`
// adds the reference's beside them, `python` (lab 06 only) CPython's run of the same scenario
// below (python/seed_scenario.py; left out, with a message, without python3). `args` go to the
// viewer (e.g. --screenshot F).
int cmd_view(const KitPaths& paths, int lab, bool reference, bool compare, bool python, const std::vector<std::string>& args);
// Renders every picture in assets/ again with the viewer.
int cmd_assets(const KitPaths& paths);

// --- the student's progress (cmd_progress.cpp) ------------------------------------------
int cmd_status(const KitPaths& paths);
// `variant` is the build of the loop to run: "yours", or another the build made (the kit's own
// check runs them on its planted faults, "plant_segfault" and the like).
int cmd_check(const KitPaths& paths, int lab, const std::string& variant = "yours");
int cmd_watch(const KitPaths& paths, std::optional<int> lab);
// Runs labs 1..`through` (every lab when 0) on the student's loop (or `variant`, as for check);
// with a path, also writes Gradescope's results.json.
int cmd_grade(const KitPaths& paths, const std::string& json_path, int through = 0, const std::string& variant = "yours");

// --- the student's regions (cmd_regions.cpp) ----------------------------------------------
int cmd_hint(const KitPaths& paths, int lab);
int cmd_diff(const KitPaths& paths, int lab);
int cmd_heal(const KitPaths& paths, int lab, bool force, bool assume_yes);
int cmd_reset(const KitPaths& paths, int lab, bool assume_yes);

}  // namespace looplab::kit
