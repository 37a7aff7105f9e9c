// kit_checks.hpp: what the kit's command files share: the tally `./looplab test` keeps, running
// a lab's demo to get its trace, and the viewer's part of the kit check.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kit_paths.hpp"
#include "manifest.hpp"
#include "process.hpp"

namespace looplab::kit {

// Counts the checks `./looplab test` makes; its last line reports them.
struct Tally {
    int passed = 0;
    int failed = 0;
    void add(bool ok, int count = 1) { (ok ? passed : failed) += count; }
};

std::string read_file(const std::filesystem::path& path);

// Runs lab's demo on `variant`, writing its trace under build/default/traces. Returns the trace
// path, or nothing when the demo failed (after printing why). `echo` prints the demo's output.
std::optional<std::filesystem::path> run_demo(const KitPaths& paths, const Lab& lab, const std::string& variant, bool echo);

// The seed scenario's claim on its pair of traces (cmd_kit.cpp): at least 5 ticker steps ran
// during the executor job in `offloaded`, none in `blocking`. Prints "<label> seed scenario: ...".
void test_seed_scenario(const std::string& label, const std::filesystem::path& offloaded,
                        const std::filesystem::path& blocking, Tally& tally);

// The viewer's part of `./looplab test` (cmd_viewer.cpp): its model tests, the bad-trace corpus,
// and a headless screenshot of the built-in demo.
void test_viewer(const KitPaths& paths, const Manifest& manifest, Tally& tally);

// `./looplab bench --quick` as part of `./looplab test` (cmd_bench.cpp): every benchmark program
// runs and every workload gets its figures and its ratio line.
void test_bench_quick(const KitPaths& paths, Tally& tally);

// The grader's part of `./looplab test` (cmd_plants.cpp): check and grade, run on lab 01's
// planted faults (plants.hpp), finish in bounded time and report each fault and every other test.
void test_plants(const KitPaths& paths, const Manifest& manifest, Tally& tally);

// The fuzz targets' part of `./looplab test` and of `test --sanitize` (cmd_fuzz.cpp): each
// target's replay program runs every input of its committed corpora, and none may crash.
void test_fuzz_corpora(const KitPaths& paths, const Manifest& manifest, Tally& tally);

// The course text's part of `./looplab test` (cmd_docs.cpp): links, pictures and code blocks in
// every Markdown file, and each program in snippets/ beside its asyncio twin.
void test_docs(const KitPaths& paths, Tally& tally);
// Runs the viewer with `args`, its output captured (under xvfb-run without a display); the
// result says why when it could not run (cmd_viewer.cpp).
RunResult run_viewer_captured(const Manifest& manifest, const std::vector<std::string>& args, std::chrono::seconds timeout);

// CPython next to C++ (cpython_scenario.cpp). Runs python/seed_scenario.py, CPython's asyncio
// on lab 06's seed scenario, into traces/lab06-python.json and lab06-python-blocking.json;
// returns the first, or nothing (after saying why: no python3, or the script failed).
std::optional<std::filesystem::path> run_python_scenario(const KitPaths& paths, bool echo);
// Its part of `./looplab test`, when python3 is present (a line saying it was skipped if not):
// both traces follow the schema, the seed scenario's claim holds, and the viewer opens them.
void test_python_scenario(const KitPaths& paths, const Manifest& manifest, Tally& tally);

}  // namespace looplab::kit
