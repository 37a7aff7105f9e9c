// Building Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
#include "grading.hpp"

#include <fmt/core.h>

#include <chrono>

namespace looplab::kit {
namespace {

using nlohmann::json;

// Test output is whatever a program printed: invalid UTF-8 would make json::dump() throw, so
// invalid bytes become U+FFFD. (A round trip through nlohmann's own replacing dump.)
std::string valid_utf8(const std::string& text) {
  return json::parse(json(text).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

// Keeps a long report's start (what the test set up) and its end, where Catch2 reports the
// failure: a test that printed megabytes must not push its verdict out of the file.
std::string capped(const std::string& text) {
  if (text.size() <= kGradescopeOutputLimit) return text;
  constexpr std::size_t head = kGradescopeOutputLimit / 4, tail = kGradescopeOutputLimit - head;
  return fmt::format("{}\n[... {} bytes of output cut ...]\n{}", text.substr(0, head), text.size() - head - tail,
                     text.substr(text.size() - tail));
}

json test_entry(const Lab& lab, const CaseResult& result) {
  json entry = {
      {"name", valid_utf8(fmt::format("{}: {}", lab.label(), result.name))},
      {"score", result.passed() ? 1 : 0},
      {"max_score", 1},
      {"status", result.passed() ? "passed" : "failed"},
  };
  if (!result.passed())
    entry["output"] = valid_utf8(
        capped(fmt::format("{}\n\n{}", result.describe_failure, shorten_details(result.details, 20, 60))));
  return entry;
}

std::string lab_summary(const Lab& lab, const SuiteResult& suite) {
  if (!suite.error.empty())
    return valid_utf8(capped(fmt::format("{}: its tests could not run: {}\n", lab.label(), suite.error)));
  return fmt::format("{}: {} of {} tests passed\n", lab.label(), suite.passed(), suite.total());
}

}  // namespace

json gradescope_results(const std::vector<std::pair<const Lab*, SuiteResult>>& results, const std::string& preface) {
  json tests = json::array();
  std::string output = preface.empty() ? "" : capped(preface) + "\n";
  int score = 0;
  std::chrono::milliseconds time{0};
  for (const auto& [lab, suite] : results) {
    output += lab_summary(*lab, suite);
    score += suite.passed();
    for (const auto& result : suite.cases) {
      tests.push_back(test_entry(*lab, result));
      time += result.elapsed;
    }
  }
  // execution_time adds up the cases' run times (they may have overlapped): seconds of testing.
  return {{"score", score},
          {"execution_time", std::chrono::duration_cast<std::chrono::seconds>(time).count()},
          {"output", valid_utf8(output)},
          {"tests", tests}};
}

}  // namespace looplab::kit
