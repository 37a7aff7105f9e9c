// kit_checks.hpp: what the kit's command files share: the tally `./looplab test` keeps, running
// a lab's demo to get its trace, and the viewer's part of the kit check.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "kit_paths.hpp"
#include "manifest.hpp"

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

// The viewer's part of `./looplab test` (cmd_viewer.cpp): its model tests, the bad-trace corpus,
// and a headless screenshot of the built-in demo.
void test_viewer(const KitPaths& paths, const Manifest& manifest, Tally& tally);

// The course text's part of `./looplab test` (cmd_docs.cpp): links, pictures and code blocks in
// every Markdown file, and each program in snippets/ beside its asyncio twin.
void test_docs(const KitPaths& paths, Tally& tally);

}  // namespace looplab::kit
