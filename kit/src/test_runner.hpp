// test_runner: runs a Catch2 test program one test case per process and says how each case went.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace looplab::kit {

enum class Outcome { passed, failed, crashed, timed_out, not_started };

std::string_view to_string(Outcome outcome);  // "passed", "failed", "crashed", "timed out", "not started"

struct CaseResult {
  std::string name;
  Outcome outcome = Outcome::not_started;
  std::string details;           // Catch2's report without its banners and summary; empty when passed
  std::string describe_failure;  // one line, e.g. "crashed: segmentation fault (SIGSEGV)"; empty when passed
  std::chrono::milliseconds elapsed{0};

  bool passed() const { return outcome == Outcome::passed; }
};

struct SuiteResult {
  std::vector<CaseResult> cases;  // in the order the test program lists them
  std::string error;              // why no case could run, e.g. "not built: ... does not exist"

  int passed() const;
  int total() const;
};

struct RunnerOptions {
  std::chrono::milliseconds timeout{10'000};  // for each test case (and for listing them)
  std::string filter;                         // a Catch2 test spec such as "[lab01]"; empty: all cases
  int jobs = 2;                               // test cases run at the same time
  // Called once per finished case, always on the thread that called run_suite() and never twice
  // at once, in the order cases finish. May be empty.
  std::function<void(const CaseResult&)> on_case_done;
};

// The default options with `timeout` for each test case (the build's LOOPLAB_TEST_TIMEOUT).
inline RunnerOptions runner_options(std::chrono::milliseconds timeout) {
  RunnerOptions options;
  options.timeout = timeout;
  return options;
}

struct CaseList {
  std::vector<std::string> names;
  std::string error;  // set when the program could not list its cases
};

// The names of the test cases the program has (hidden ones only if the filter selects them).
CaseList list_cases(const std::filesystem::path& binary, const RunnerOptions& options);

// Each test case's tags, by case name ("[lab01]", "[run_once]", ...): Catch2 lists its tags,
// then the cases carrying each one. Empty when the program cannot list them.
std::map<std::string, std::vector<std::string>> list_case_tags(const std::filesystem::path& binary,
                                                               const RunnerOptions& options);

// Runs one test case in a process of its own and classifies the result. Never throws for
// anything the test program does.
CaseResult run_case(const std::filesystem::path& binary, const std::string& name, const RunnerOptions& options);

// Lists the cases, then runs each one with run_case(), up to options.jobs at a time.
SuiteResult run_suite(const std::filesystem::path& binary, const RunnerOptions& options);

// run_suite for several programs at once, one result each, in the order given. Their cases share
// one pool of options.jobs workers, so a slow case of one program overlaps the next program's.
std::vector<SuiteResult> run_suites(const std::vector<std::filesystem::path>& binaries, const RunnerOptions& options);

// The command-line argument that selects exactly the test case `name` in Catch2 v2: quoted, with
// backslashes before the characters its test-spec parser treats specially. (Names starting or
// ending with '*' are the exception: Catch2 always reads that '*' as a wildcard.)
std::string test_spec_for(std::string_view name);

// `details` with at most its first `head` and last `tail` lines, plus every failure report
// between them (Catch2's "file:line: FAILED:" line and what follows it up to a blank line);
// each run of lines left out becomes "[... N lines cut ...]". Short details come back as they are.
std::string shorten_details(std::string_view details, std::size_t head, std::size_t tail);

// Catch2's console report with the banners, rules, filter line and final summary removed, so
// what is left is the substance: test name, file:line, expression, expansion, messages.
std::string trim_catch_output(std::string_view output);

// A stub of the starter code throws looplab::not_implemented{"lab 01: EventLoop::call_soon"};
// this finds that message in a test's output so the checker can point at the TODO region.
struct NotImplemented {
  int lab = 0;         // 1
  std::string target;  // "EventLoop::call_soon"
};
std::optional<NotImplemented> not_implemented_target(std::string_view output);

}  // namespace looplab::kit
