// grading: test results as the results.json that Gradescope's autograder expects.
#pragma once

#include "manifest.hpp"
#include "test_runner.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace looplab::kit {

constexpr std::size_t kGradescopeOutputLimit = 8 * 1024;  // bytes of output per test, so the file stays small

// One Gradescope test per test case, named "lab 01 callbacks: <test name>", worth 1 point when it
// passed; failures carry their description and trimmed report. The top-level "output" says how
// each lab went (or why its tests could not run). Every string is valid UTF-8, so dump() is safe.
// Lab pointers must not be null.
// `preface` (for example the compiler's errors) opens the top-level output students see first.
nlohmann::json gradescope_results(const std::vector<std::pair<const Lab*, SuiteResult>>& results,
                                  const std::string& preface = "");

}  // namespace looplab::kit
