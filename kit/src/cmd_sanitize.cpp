// cmd_sanitize.cpp: `./looplab test --sanitize`. Every lab's tests on the reference loop, and the
// viewer's model tests, built with AddressSanitizer and UndefinedBehaviorSanitizer (LeakSanitizer
// comes with ASan on Linux); the labs that use threads (06 on) built with ThreadSanitizer too;
// the stress tests (solutions/stress) under both.
// The ./looplab script configures and builds the two sanitizer builds; this file runs them.
//
// A sanitizer report must fail its test case, not scroll past: the options below make every
// sanitizer stop the process at its first report with a non-zero exit, so the kit's runner counts
// the case as failed and prints the report.
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "commands.hpp"
#include "kit_checks.hpp"
#include "manifest.hpp"
#include "test_runner.hpp"

namespace looplab::kit {
namespace {

namespace fs = std::filesystem;

constexpr int kFirstThreadLab = 6;  // run_in_executor: the first lab with more than one thread

// Sets the sanitizers' options for every test process we start (they inherit our environment).
void set_sanitizer_options() {
    ::setenv("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1:halt_on_error=1:exitcode=23", 1);
    ::setenv("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1:exitcode=24", 1);
    ::setenv("LSAN_OPTIONS", "exitcode=25", 1);
    ::setenv("TSAN_OPTIONS", "halt_on_error=1:second_deadlock_stack=1:exitcode=26", 1);
}

void run_sanitized(const KitPaths& paths, const std::string& sanitizer, const std::string& label, const fs::path& binary,
                   std::chrono::seconds timeout, Tally& tally) {
    SuiteResult suite = run_suite(binary, runner_options(timeout));
    fmt::print("sanitize: {} under {}: {}/{} passed{}\n", label, sanitizer, suite.passed(), suite.total(),
               suite.error.empty() ? "" : " (" + suite.error + ")");
    for (const CaseResult& c : suite.cases) {
        if (c.passed()) continue;
        fmt::print("  FAILED {}: {} ({})\n", label, c.name, c.describe_failure);
        fmt::print("{}\n", paths.relative(c.details));
    }
    const bool ran = suite.error.empty() && suite.total() > 0;
    for (const CaseResult& c : suite.cases) tally.add(ran && c.passed());
    if (!ran) tally.add(false);
}

// The labs' reference tests of one sanitizer build, from lab `first` on.
void run_build(const KitPaths& paths, const fs::path& build, const std::string& sanitizer, int first, bool viewer, Tally& tally) {
    const Manifest manifest = load_manifest(manifest_path(build));
    for (const Lab& lab : manifest.labs) {
        if (lab.number < first) continue;
        auto tests = lab.tests.find("reference");
        if (tests == lab.tests.end()) {
            fmt::print("sanitize: {} has no reference tests in {}\n", lab.label(), build.string());
            tally.add(false);
            continue;
        }
        run_sanitized(paths, sanitizer, lab.label(), tests->second, manifest.test_timeout, tally);
    }
    if (viewer && !manifest.viewer_tests.empty()) {
        run_sanitized(paths, sanitizer, "viewer model", manifest.viewer_tests, manifest.test_timeout, tally);
    }
    if (viewer) test_fuzz_corpora(paths, manifest, tally);  // ASan+UBSan on every past finding
    // solutions/stress: threads, teardown and sockets, so under both sanitizers.
    if (manifest.stress_tests.empty()) {
        fmt::print("sanitize: the stress tests are not in {}\n", build.string());
        return tally.add(false);
    }
    run_sanitized(paths, sanitizer, "stress tests", manifest.stress_tests, manifest.stress_timeout, tally);
}

}  // namespace

int cmd_test_sanitize(const KitPaths& paths, const fs::path& asan_build, const fs::path& tsan_build) {
    set_sanitizer_options();
    Tally tally;
    run_build(paths, asan_build, "ASan+UBSan", 1, true, tally);
    run_build(paths, tsan_build, "TSan", kFirstThreadLab, false, tally);
    fmt::print("looplab: {} passed, {} failed\n", tally.passed, tally.failed);
    return tally.failed == 0 ? 0 : 1;
}

}  // namespace looplab::kit
