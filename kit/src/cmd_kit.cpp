// cmd_kit.cpp: the commands about the kit itself: test (is the kit sound?), demo (show a loop at
// work), validate-trace and starter (tools the build and CI use). run and view: cmd_viewer.cpp.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "kit_checks.hpp"
#include "manifest.hpp"
#include "process.hpp"
#include "regions.hpp"
#include "test_runner.hpp"
#include "trace_check.hpp"

namespace looplab::kit {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<fs::path> run_demo(const KitPaths& paths, const Lab& lab, const std::string& variant, bool echo) {
    auto demo = lab.demos.find(variant);
    if (demo == lab.demos.end()) {
        fmt::print("{} has no demo built for {}\n", lab.label(), variant);
        return std::nullopt;
    }
    fs::create_directories(paths.traces());
    fs::path trace = paths.traces() / fmt::format("lab{:02}-{}.json", lab.number, variant);
    fs::remove(trace);
    RunOptions options;
    options.timeout = std::chrono::seconds(30);
    RunResult result = run_process({demo->second.string(), trace.string()}, options);
    if (echo || !result.exited_cleanly()) fmt::print("{}", result.output);
    if (!result.exited_cleanly()) {
        fmt::print("{} demo on {}: {}\n", lab.label(), variant, describe(result));
        return std::nullopt;
    }
    return trace;
}

namespace {

// Prints each failed case of a suite that should have passed, with what went wrong.
void print_failures(const SuiteResult& suite, const std::string& label, const KitPaths& paths) {
    for (const auto& c : suite.cases) {
        if (c.outcome == Outcome::passed) continue;
        fmt::print("  FAILED {}: {} ({})\n", label, c.name, c.describe_failure);
        std::istringstream details(paths.relative(c.details));
        for (std::string line; std::getline(details, line);) fmt::print("      {}\n", line);
    }
}

// The kit's own unit tests (the starter generator, the drift check, the trace writer, ...).
void test_kit(const KitPaths& paths, const Manifest& manifest, Tally& tally) {
    SuiteResult kit = run_suite(manifest.kit_tests, runner_options(manifest.test_timeout));
    fmt::print("kit: {}/{} kit tests passed{}\n", kit.passed(), kit.total(), kit.error.empty() ? "" : " (" + kit.error + ")");
    print_failures(kit, "kit", paths);
    tally.add(kit.error.empty() && kit.total() > 0 && kit.passed() == kit.total(), std::max(kit.total(), 1));
}

// The reference loop under load and hostile clients (solutions/stress), with their own timeout.
void test_stress(const KitPaths& paths, const Manifest& manifest, Tally& tally) {
    SuiteResult stress = run_suite(manifest.stress_tests, runner_options(manifest.stress_timeout));
    fmt::print("stress: {}/{} stress tests passed on the reference loop{}\n", stress.passed(), stress.total(),
               stress.error.empty() ? "" : " (" + stress.error + ")");
    print_failures(stress, "stress", paths);
    tally.add(stress.error.empty() && stress.total() > 0 && stress.passed() == stress.total(), std::max(stress.total(), 1));
}

// labs/loop must equal solutions/loop outside the regions (a student's work inside them is fine).
void test_drift(const KitPaths& paths, Tally& tally) {
    auto drift = find_drift(paths.student_loop(), paths.solution_loop());
    if (drift.empty()) {
        fmt::print("drift: labs/loop matches solutions/loop outside the TODO regions\n");
    } else {
        fmt::print("drift: labs/loop differs from solutions/loop outside the TODO regions:\n");
        for (const auto& d : drift) fmt::print("  {}\n", paths.relative(d.message));
    }
    tally.add(drift.empty());
}

// One lab: every test passes on the reference and fails on a freshly generated starter.
void test_lab(const KitPaths& paths, const Lab& lab, const Manifest& manifest, Tally& tally) {
    auto options = runner_options(manifest.test_timeout);
    SuiteResult solution = run_suite(lab.tests.at("reference"), options);
    SuiteResult starter = run_suite(lab.tests.at("starter"), options);
    fmt::print("{}: solution {}/{} passed, starter {}/{} passed\n", lab.label(), solution.passed(),
               solution.total(), starter.passed(), starter.total());
    if (!solution.error.empty()) fmt::print("  the solution's tests did not run: {}\n", solution.error);
    if (!starter.error.empty()) fmt::print("  the starter's tests did not run: {}\n", starter.error);
    print_failures(solution, "on the solution", paths);
    for (const auto& c : starter.cases) {
        if (c.outcome == Outcome::passed) {
            fmt::print("  PASSES ON THE STARTER (so it tests nothing): {}\n", c.name);
        }
    }
    bool ran = solution.error.empty() && starter.error.empty() && solution.total() > 0;
    for (const auto& c : solution.cases) tally.add(ran && c.outcome == Outcome::passed);
    for (const auto& c : starter.cases) tally.add(ran && c.outcome != Outcome::passed);
    if (!ran || starter.total() != solution.total()) tally.add(false);
}

// Every test of a lab carries its lab's tag ([lab01]) and names at least one TODO region of that
// lab by tag ([run_once]): that is how ./looplab check points a student at the code to look at.
void test_lab_tags(const KitPaths& paths, const Lab& lab, const Manifest& manifest, Tally& tally) {
    auto solution = parse_folder(paths.solution_loop());
    auto tags = list_case_tags(lab.tests.at("reference"), runner_options(manifest.test_timeout));
    const std::string lab_tag = fmt::format("[lab{:02}]", lab.number);
    std::vector<std::string> untagged;
    for (const auto& [name, case_tags] : tags) {
        bool has_lab = std::find(case_tags.begin(), case_tags.end(), lab_tag) != case_tags.end();
        auto regions = regions_tagged(solution, case_tags);
        bool names_region = std::any_of(regions.begin(), regions.end(),
                                        [&](const Region* r) { return r->lab == lab.number; });
        if (!has_lab || !names_region) untagged.push_back(name);
    }
    if (untagged.empty() && !tags.empty()) return tally.add(true);
    fmt::print("  these tests lack the tag {} or a tag naming one of the lab's TODO regions:\n", lab_tag);
    for (const auto& name : untagged) fmt::print("    {}\n", name);
    tally.add(false);
}


// Every lab's demo, run on the reference, must write a trace that follows the schema.
void test_demo_trace(const KitPaths& paths, const Lab& lab, Tally& tally) {
    auto trace = run_demo(paths, lab, "reference", false);
    if (!trace) return tally.add(false);
    TraceReport report = check_trace(read_file(*trace));
    bool ok = report.problems.empty() && report.has_loop_thread && report.events > 0;
    fmt::print("{} demo: trace {} ({} events, {} thread(s), {} callbacks)\n", lab.label(),
               ok ? "follows the schema" : "BREAKS the schema", report.events, report.threads, report.callbacks);
    for (const auto& problem : report.problems) fmt::print("  {}\n", problem);
    if (!report.has_loop_thread) fmt::print("  no thread is named \"loop\"\n");
    tally.add(ok);
    fs::path blocking = trace->parent_path() / (trace->stem().string() + "-blocking.json");
    if (fs::exists(blocking)) test_seed_scenario(lab.label(), *trace, blocking, tally);
}

}  // namespace

// A demo that records the seed scenario writes two traces: the blocking call through the
// executor (the main trace) and on the loop (-blocking). Ticker steps must run during the
// executor's job in the first, and cannot in the second.
void test_seed_scenario(const std::string& label, const fs::path& offloaded, const fs::path& blocking, Tally& tally) {
    const std::string blocking_text = read_file(blocking);
    int during_job = steps_inside_executor_spans(read_file(offloaded), "ticker");
    int during_stall = steps_inside_executor_spans(blocking_text, "ticker");
    bool ok = check_trace(blocking_text).problems.empty() && during_job >= 5 && during_stall == 0;
    fmt::print("{} seed scenario: {} ticker steps ran during the executor job, {} in the blocking run{}\n",
               label, during_job, during_stall, ok ? "" : " (expected at least 5, and 0)");
    tally.add(ok);
}

int cmd_test(const KitPaths& paths) {
    Manifest manifest = load_manifest(paths.manifest());
    Tally tally;
    test_kit(paths, manifest, tally);
    test_drift(paths, tally);
    for (const Lab& lab : manifest.labs) {
        test_lab(paths, lab, manifest, tally);
        test_lab_tags(paths, lab, manifest, tally);
    }
    test_stress(paths, manifest, tally);
    for (const Lab& lab : manifest.labs) test_demo_trace(paths, lab, tally);
    test_plants(paths, manifest, tally);
    test_docs(paths, tally);
    test_viewer(paths, manifest, tally);
    test_fuzz_corpora(paths, manifest, tally);
    test_python_scenario(paths, manifest, tally);
    test_bench_quick(paths, tally);
    fmt::print("looplab: {} passed, {} failed\n", tally.passed, tally.failed);
    return tally.failed == 0 ? 0 : 1;
}

int cmd_demo(const KitPaths& paths, int number, bool reference) {
    Manifest manifest = load_manifest(paths.manifest());
    const Lab* lab = find_lab(manifest, number);
    if (!lab) {
        fmt::print(stderr, "There is no lab {:02} in this build.\n", number);
        return 1;
    }
    auto trace = run_demo(paths, *lab, reference ? "reference" : "yours", true);
    if (!trace) return 1;
    TraceReport report = check_trace(read_file(*trace));
    fmt::print("\nChecked {}: {} events.\n", fs::relative(*trace, paths.root).string(), report.events);
    for (const auto& problem : report.problems) fmt::print("  trace problem: {}\n", problem);
    fmt::print("Watch it: ./looplab view {} (or open it in Perfetto, ui.perfetto.dev).\n", number);
    return report.problems.empty() ? 0 : 1;
}

int cmd_validate_trace(const std::string& file) {
    if (!fs::exists(file)) {
        fmt::print(stderr, "{}: no such file\n", file);
        return 1;
    }
    TraceReport report = check_trace(read_file(file));
    for (const auto& problem : report.problems) fmt::print("{}: {}\n", file, problem);
    if (!report.problems.empty()) return 1;
    fmt::print("{}: follows the looplab trace schema ({} events, {} threads, {} flows)\n", file, report.events,
               report.threads, report.flows);
    return 0;
}

int cmd_starter(const std::string& from, const std::string& to, bool check_only, bool quiet) {
    if (!check_only) {
        int written = write_starter(from, to);
        if (!quiet) fmt::print("starter: wrote {} file(s) to {}\n", written, to);
        return 0;
    }
    int stale = 0;
    for (const auto& file : parse_folder(from)) {
        if (read_file(fs::path(to) / file.name) != starter_text(file)) {
            fmt::print("starter: {}/{} is not the starter generated from {}\n", to, file.name, from);
            ++stale;
        }
    }
    if (stale == 0 && !quiet) fmt::print("starter: {} is exactly the starter generated from {}\n", to, from);
    if (stale > 0) fmt::print("Regenerate it with: looplab-kit starter --from {} --to {}\n", from, to);
    return stale == 0 ? 0 : 1;
}

}  // namespace looplab::kit
