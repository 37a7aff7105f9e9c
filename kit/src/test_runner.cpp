// Running Catch2 (v2.13) test programs case by case, so one crash or hang cannot hide the others.
#include "test_runner.hpp"

#include "process.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

namespace looplab::kit {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

RunOptions process_options(const RunnerOptions& options) {
  RunOptions run;
  run.timeout = options.timeout;
  run.keep_blocks_marked = ": FAILED:";  // Catch2's "file:line: FAILED:" opens each failure report
  return run;
}

// ---- Listing ---------------------------------------------------------------------------------

// With --verbosity high Catch2 v2 prints "name<TAB>@file:line" per case, which tells real names
// apart from anything the program itself printed while starting. Names starting with '#' come
// in double quotes.
std::optional<std::string> name_from_listing(std::string_view line) {
  auto at = line.rfind("\t@");
  if (at == std::string_view::npos) return std::nullopt;
  auto name = line.substr(0, at);
  if (name.size() >= 3 && name.starts_with("\"#") && name.ends_with('"')) name = name.substr(1, name.size() - 2);
  return std::string(name);
}

std::string listing_error(const std::filesystem::path& binary, const RunResult& run) {
  auto error = fmt::format("{} could not list its tests: {}", binary.filename().string(), describe(run));
  auto output = trim_catch_output(run.output);
  return output.empty() ? error : error + "\n" + output;
}

// ---- Classifying one run ---------------------------------------------------------------------

// Catch2's final totals: the text from its last "test cases:" or "All tests passed" line on.
// Searching only there is quick even when a test printed a megabyte.
std::string_view summary_of(std::string_view output) {
  auto totals = output.rfind("\ntest cases:");
  auto all_passed = output.rfind("\nAll tests passed");
  if (totals == std::string_view::npos) totals = all_passed;
  else if (all_passed != std::string_view::npos) totals = std::max(totals, all_passed);
  return totals == std::string_view::npos ? std::string_view{} : output.substr(totals);
}

// Catch2's summary for exactly one passing case ("test cases: 1 | 1 passed" when it had no
// assertions). Requiring "1 test case" also catches a spec that selected several cases.
bool catch_reports_one_pass(std::string_view output) {
  static const std::regex pass(R"(All tests passed \(\d+ assertions? in 1 test case\)|test cases: 1 \| 1 passed\n)");
  auto summary = summary_of(output);
  return std::regex_search(summary.begin(), summary.end(), pass);
}

// Sanitizer builds end a crash with a non-zero exit and a report instead of a signal. ASan, LSan
// and TSan head their report "ERROR:" or "WARNING:"; UBSan only ends its own with "SUMMARY:".
std::optional<std::string> sanitizer_crash(std::string_view output) {
  for (std::string_view tool : {"AddressSanitizer", "LeakSanitizer", "ThreadSanitizer", "UndefinedBehaviorSanitizer"})
    if (contains(output, fmt::format("ERROR: {}", tool)) || contains(output, fmt::format("WARNING: {}", tool)) ||
        contains(output, fmt::format("SUMMARY: {}", tool)))
      return fmt::format("crashed: {} found a problem (its report is below)", tool);
  return std::nullopt;
}

// "failed: 1 of 2 checks did not hold", from Catch2's "assertions: 2 | 1 passed | 1 failed".
std::string describe_assertion_failure(std::string_view output, int exit_code) {
  static const std::regex totals(R"(assertions: +(\d+) \|(?: +\d+ passed \|)? +(\d+) failed)");
  auto summary = summary_of(output);
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(summary.begin(), summary.end(), match, totals))
    return fmt::format("failed (the test program exited with code {})", exit_code);
  return fmt::format("failed: {} of {} checks did not hold", match.str(2), match.str(1));
}

std::string describe_failed_run(std::string_view output, int exit_code) {
  if (auto stub = not_implemented_target(output))
    return fmt::format("not implemented yet: {} (lab {:02})", stub->target, stub->lab);
  if (contains(output, "No test cases matched")) return "the test program has no test case with this name";
  if (contains(output, "due to unexpected exception")) return "failed: an unexpected exception was thrown";
  return describe_assertion_failure(output, exit_code);
}

Outcome outcome_of(const RunResult& run) {
  if (!run.started()) return Outcome::not_started;
  if (run.timed_out) return Outcome::timed_out;
  if (run.signal || sanitizer_crash(run.output)) return Outcome::crashed;
  if (run.exit_code == 0 && catch_reports_one_pass(run.output)) return Outcome::passed;
  return Outcome::failed;
}

// One line saying what went wrong; empty for a pass.
std::string describe_outcome(const RunResult& run, Outcome outcome) {
  switch (outcome) {
    case Outcome::passed: return {};
    case Outcome::failed: return describe_failed_run(run.output, run.exit_code);
    case Outcome::crashed:
      if (!run.signal) return *sanitizer_crash(run.output);
      return describe(run);
    case Outcome::timed_out:
    case Outcome::not_started: return describe(run);
  }
  return describe(run);
}

// ---- Running many ----------------------------------------------------------------------------

// Runs task(i) for i in [0, count) on `jobs` threads; calls done(i) on this thread as each ends.
template <class Task, class Done>
void run_in_parallel(std::size_t count, int jobs, Task task, Done done) {
  std::mutex mutex;
  std::condition_variable finished_changed;
  std::deque<std::size_t> finished;
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next++) < count;) {
      task(i);
      std::lock_guard lock(mutex);
      finished.push_back(i);
      finished_changed.notify_one();
    }
  };
  auto threads_wanted = std::min(static_cast<std::size_t>(std::max(jobs, 1)), count);
  std::vector<std::jthread> threads;  // declared after what they use: they join before it goes away
  for (std::size_t t = 0; t < threads_wanted; ++t) threads.emplace_back(worker);
  for (std::size_t reported = 0; reported < count; ++reported) {
    std::unique_lock lock(mutex);
    finished_changed.wait(lock, [&] { return !finished.empty(); });
    auto i = finished.front();
    finished.pop_front();
    lock.unlock();
    done(i);
  }
}

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::passed: return "passed";
    case Outcome::failed: return "failed";
    case Outcome::crashed: return "crashed";
    case Outcome::timed_out: return "timed out";
    case Outcome::not_started: return "not started";
  }
  return "unknown";
}

int SuiteResult::passed() const {
  return static_cast<int>(std::count_if(cases.begin(), cases.end(), [](const auto& c) { return c.passed(); }));
}

int SuiteResult::total() const { return static_cast<int>(cases.size()); }

std::string test_spec_for(std::string_view name) {
  // Inside double quotes only '"' ends the name; ',' (which separates specs) and '\' still need
  // a backslash. Quoting also stops a leading '-', '~', '[' or '#' meaning something else.
  std::string spec = "\"";
  // "exclude:" at the start means "not" even in quotes; the match ignores case, the prefix does not.
  if (name.starts_with("exclude:")) {
    spec += 'E';
    name.remove_prefix(1);
  }
  for (char c : name) {
    if (c == '"' || c == ',' || c == '\\') spec += '\\';
    spec += c;
  }
  return spec + "\"";
}

CaseList list_cases(const std::filesystem::path& binary, const RunnerOptions& options) {
  CaseList list;
  std::error_code ec;
  if (!std::filesystem::exists(binary, ec)) {
    list.error = fmt::format("not built: {} does not exist", binary.string());
    return list;
  }
  std::vector<std::string> argv{binary.string(), "--list-test-names-only", "--verbosity", "high"};
  if (!options.filter.empty()) argv.push_back(options.filter);
  auto run = run_process(argv, process_options(options));
  // The exit code is the number of cases listed, so only a crash, a hang or no start is an error.
  if (!run.started() || run.timed_out || run.signal) {
    list.error = listing_error(binary, run);
    return list;
  }
  for (auto line : split_lines(run.output))
    if (auto name = name_from_listing(line)) list.names.push_back(std::move(*name));
  if (list.names.empty() && run.exit_code != 0)  // e.g. a Catch2 that does not know these options
    list.error = listing_error(binary, run);
  return list;
}

CaseResult run_case(const std::filesystem::path& binary, const std::string& name, const RunnerOptions& options) {
  auto run = run_process({binary.string(), test_spec_for(name), "--reporter", "console", "--use-colour", "no",
                          "--durations", "no"},
                         process_options(options));
  CaseResult result;
  result.name = name;
  result.elapsed = run.elapsed;
  result.outcome = outcome_of(run);
  result.describe_failure = describe_outcome(run, result.outcome);
  if (result.passed()) return result;
  result.details = run.started() ? trim_catch_output(run.output) : run.error;
  if (run.timed_out)
    result.details += "\n(looplab-kit stopped this test when its time was up; Catch2 calls that SIGTERM.)\n";
  return result;
}

SuiteResult run_suite(const std::filesystem::path& binary, const RunnerOptions& options) {
  return std::move(run_suites({binary}, options).front());
}

std::vector<SuiteResult> run_suites(const std::vector<std::filesystem::path>& binaries, const RunnerOptions& options) {
  std::vector<SuiteResult> suites(binaries.size());
  std::vector<CaseList> lists(binaries.size());
  run_in_parallel(
      binaries.size(), options.jobs, [&](std::size_t b) { lists[b] = list_cases(binaries[b], options); },
      [](std::size_t) {});
  // Every program's cases in one queue, program by program: a slow case of one then runs beside
  // the cases of the next instead of holding up everything behind it.
  std::vector<std::pair<std::size_t, std::size_t>> queue;  // (program, case)
  for (std::size_t b = 0; b < binaries.size(); ++b) {
    suites[b].error = lists[b].error;
    suites[b].cases.resize(lists[b].error.empty() ? lists[b].names.size() : 0);
    for (std::size_t c = 0; c < suites[b].cases.size(); ++c) queue.emplace_back(b, c);
  }
  run_in_parallel(
      queue.size(), options.jobs,
      [&](std::size_t i) {
        const auto [b, c] = queue[i];
        suites[b].cases[c] = run_case(binaries[b], lists[b].names[c], options);
      },
      [&](std::size_t i) {
        if (options.on_case_done) options.on_case_done(suites[queue[i].first].cases[queue[i].second]);
      });
  return suites;
}

// ---- Reading Catch2's report -----------------------------------------------------------------

namespace {

// Catch2 draws rules of 79 '~', '-', '.' or '=' characters; shorter ones may be the student's.
bool is_rule(std::string_view line) {
  return line.size() >= 60 && line.find_first_not_of(line.front()) == std::string_view::npos &&
         std::string_view("~-.=").find(line.front()) != std::string_view::npos;
}

bool is_catch_chatter(std::string_view line) {
  return line.starts_with("Filters: ") || line.starts_with("Randomness seeded to: ") ||
         line == "Run with -? for options" ||
         (contains(line, " is a Catch v") && line.ends_with(" host application.")) || is_rule(line);
}

// Catch2's totals: a rule of '=' and then "test cases: ...", "All tests passed ..." or "No tests ran".
bool starts_totals(const std::vector<std::string_view>& lines, std::size_t i) {
  if (!is_rule(lines[i]) || lines[i].front() != '=' || i + 1 >= lines.size()) return false;
  auto next = lines[i + 1];
  return next.starts_with("test cases:") || next.starts_with("All tests passed") || next.starts_with("No tests ran");
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

std::string shorten_details(std::string_view details, std::size_t head, std::size_t tail) {
  const std::vector<std::string_view> lines = split_lines(details);
  if (lines.size() <= head + tail) return std::string(details);
  std::string out;
  std::size_t cut = 0;  // lines left out since the last one kept
  bool in_report = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (contains(lines[i], ": FAILED:")) in_report = true;
    if (i >= head && i < lines.size() - tail && !in_report) {
      ++cut;
      continue;
    }
    if (cut > 0) out += fmt::format("[... {} lines cut ...]\n", cut);
    cut = 0;
    out += fmt::format("{}\n", lines[i]);
    if (lines[i].empty()) in_report = false;
  }
  return out;
}

std::string trim_catch_output(std::string_view output) {
  auto lines = split_lines(output);
  std::string trimmed;
  bool blank_pending = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (starts_totals(lines, i)) {
      while (i + 1 < lines.size() && !is_blank(lines[i + 1])) ++i;  // a sanitizer report may follow
      continue;
    }
    if (is_catch_chatter(lines[i])) continue;
    if (is_blank(lines[i])) {
      blank_pending = !trimmed.empty();  // blank lines: at most one in a row, none at the start
      continue;
    }
    if (blank_pending) trimmed += '\n';
    blank_pending = false;
    trimmed.append(lines[i]);
    trimmed += '\n';
  }
  return trimmed;
}

std::optional<NotImplemented> not_implemented_target(std::string_view output) {
  // The whole line, as Catch2 prints the exception's message ("  lab 01: EventLoop::call_soon"),
  // or as the loop's default exception handler reports a stub that threw inside a callback
  // ("  exception: lab 02: EventLoop::call_later").
  static const std::regex stub(R"(\s*(?:exception: )?lab (\d+): ([A-Za-z_~][A-Za-z0-9_:<>~]*(?:\(\))?)\s*)");
  for (auto line : split_lines(output)) {
    if (line.size() > 200) continue;  // not a message Catch2 printed for a stub
    std::match_results<std::string_view::const_iterator> match;
    if (std::regex_match(line.begin(), line.end(), match, stub))
      return NotImplemented{std::stoi(match.str(1)), match.str(2)};
  }
  return std::nullopt;
}

// Catch2 prints one line per tag ("  3  [run_once]"); each tag is then listed on its own.
std::map<std::string, std::vector<std::string>> list_case_tags(const std::filesystem::path& binary,
                                                               const RunnerOptions& options) {
  std::map<std::string, std::vector<std::string>> tags;
  RunOptions run;
  run.timeout = options.timeout;
  RunResult listed = run_process({binary.string(), "--list-tags"}, run);
  std::istringstream lines(listed.output);
  for (std::string line; std::getline(lines, line);) {
    auto open = line.find('['), close = line.find(']');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    std::string tag = line.substr(open, close - open + 1);
    CaseList cases = list_cases(binary, RunnerOptions{options.timeout, tag, 1, {}});
    for (const auto& name : cases.names) tags[name].push_back(tag);
  }
  return tags;
}

}  // namespace looplab::kit
