// Tests for reading the build manifest and for the Gradescope results built from test results.
#include "looplab_catch.hpp"

#include "grading.hpp"
#include "manifest.hpp"

#include <filesystem>
#include <fstream>
#include <random>

using namespace looplab::kit;
using Catch::Matchers::Contains;

namespace {

// A manifest file in the temporary directory, removed again at the end of the test. The name is
// random because the kit's runner runs test cases in parallel.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& text)
      : path(std::filesystem::temp_directory_path() /
             ("looplab-kit-test-manifest-" + std::to_string(std::random_device{}()) + ".json")) {
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

const char* const kManifest = R"({
  "source_dir": "/repo", "build_dir": "/repo/build/default", "variants": "yours;reference",
  "test_timeout": 7, "kit_tests": "/repo/build/default/kit/kit_tests",
  "labs": [
    {"number": 1, "slug": "callbacks", "title": "Callbacks and the ready queue", "dir": "/repo/labs/01-callbacks",
     "tests_yours": "/b/lab01_tests_yours", "demo_yours": "/b/lab01_demo_yours",
     "tests_reference": "/b/lab01_tests_reference", "demo_reference": "/b/lab01_demo_reference"},
    {"number": 2, "slug": "timers", "title": "Timers", "dir": "/repo/labs/02-timers",
     "tests_yours": "/b/lab02_tests_yours"}
  ]
})";

Lab lab_one() {
  Lab lab;
  lab.number = 1;
  lab.slug = "callbacks";
  return lab;
}

CaseResult case_result(std::string name, Outcome outcome, std::string details = "") {
  CaseResult result;
  result.name = std::move(name);
  result.outcome = outcome;
  result.details = std::move(details);
  if (outcome != Outcome::passed) result.describe_failure = "failed: 1 of 1 checks did not hold";
  return result;
}

}  // namespace

TEST_CASE("load_manifest reads what CMake wrote", "[kit][manifest]") {
  TempFile file(kManifest);
  auto manifest = load_manifest(file.path);
  SECTION("the variants are split into a list") {
    CHECK(manifest.variants == std::vector<std::string>{"yours", "reference"});
  }
  SECTION("the test timeout is in seconds") {
    CHECK(manifest.test_timeout == std::chrono::seconds(7));
  }
  SECTION("every lab is read") {
    CHECK(manifest.labs.size() == 2);
  }
  SECTION("test programs are found by variant") {
    CHECK(manifest.labs[0].tests.at("reference") == "/b/lab01_tests_reference");
  }
  SECTION("a lab may lack a demo") {
    CHECK(manifest.labs[1].demos.empty());
  }
  SECTION("find_lab finds a lab by its number") {
    REQUIRE(find_lab(manifest, 2) != nullptr);
    CHECK(find_lab(manifest, 2)->slug == "timers");
  }
  SECTION("find_lab finds nothing for a number no lab has") {
    CHECK(find_lab(manifest, 9) == nullptr);
  }
}

TEST_CASE("load_manifest explains what to do when the manifest is unusable", "[kit][manifest]") {
  SECTION("a missing manifest tells the user to build") {
    CHECK_THROWS_WITH(load_manifest("/nonexistent/looplab-manifest.json"), Contains("./looplab run"));
  }
  SECTION("a malformed manifest is reported as damaged") {
    TempFile file("{ \"labs\": [ ");
    CHECK_THROWS_WITH(load_manifest(file.path), Contains("damaged"));
  }
  SECTION("a manifest without labs is reported as damaged") {
    TempFile file(R"({"source_dir": "/r", "build_dir": "/b", "variants": "yours"})");
    CHECK_THROWS_AS(load_manifest(file.path), ManifestError);
  }
}

TEST_CASE("Lab::label names a lab the way students see it", "[kit][manifest]") {
  CHECK(lab_one().label() == "lab 01 callbacks");
}

TEST_CASE("gradescope_results gives one point per passing test case", "[kit][grading]") {
  Lab lab = lab_one();
  SuiteResult suite;
  suite.cases = {case_result("adds", Outcome::passed), case_result("runs in order", Outcome::failed, "41 == 42")};
  auto results = gradescope_results({{&lab, suite}});
  SECTION("the total score counts the passing cases") {
    CHECK(results["score"] == 1);
  }
  SECTION("each test is named after its lab and case") {
    CHECK(results["tests"][0]["name"] == "lab 01 callbacks: adds");
  }
  SECTION("each test is worth one point") {
    CHECK(results["tests"][1]["max_score"] == 1);
  }
  SECTION("a failing test scores nothing") {
    CHECK(results["tests"][1]["score"] == 0);
  }
  SECTION("a failing test shows its description and report") {
    CHECK(results["tests"][1]["output"] == "failed: 1 of 1 checks did not hold\n\n41 == 42");
  }
  SECTION("the status says passed or failed") {
    CHECK((results["tests"][0]["status"] == "passed" && results["tests"][1]["status"] == "failed"));
  }
  SECTION("the overall output summarises each lab") {
    CHECK(results["output"] == "lab 01 callbacks: 1 of 2 tests passed\n");
  }
}

TEST_CASE("gradescope_results keeps the file small and valid", "[kit][grading]") {
  Lab lab = lab_one();
  SuiteResult suite;
  SECTION("a huge report is cut to about 8 KB, keeping its start and the verdict at its end") {
    suite.cases = {case_result("floods", Outcome::failed, "set-up\n" + std::string(100'000, 'x') + "\nREQUIRE( ok )")};
    auto output = gradescope_results({{&lab, suite}})["tests"][0]["output"].get<std::string>();
    CHECK(output.size() < kGradescopeOutputLimit + 100);
    CHECK_THAT(output, Contains("set-up") && Contains("bytes of output cut") && Contains("REQUIRE( ok )"));
  }
  SECTION("invalid UTF-8 in a report does not break the JSON") {
    suite.cases = {case_result("prints bytes", Outcome::failed, "\xff\xfe broken")};
    CHECK_NOTHROW(gradescope_results({{&lab, suite}}).dump());
  }
  SECTION("a lab whose tests could not run says why") {
    suite.error = "not built: /b/lab01_tests_yours does not exist";
    CHECK_THAT(gradescope_results({{&lab, suite}})["output"].get<std::string>(), Contains("not built"));
  }
  SECTION("a preface such as the compiler's errors comes first in the overall output") {
    suite.cases = {case_result("needs the loop", Outcome::failed, "not run")};
    auto output = gradescope_results({{&lab, suite}}, "event_loop.cpp:3: error: expected ';'")["output"].get<std::string>();
    CHECK(output.starts_with("event_loop.cpp:3: error: expected ';'\n"));
    CHECK_THAT(output, Contains("lab 01 callbacks: 0 of 1 tests passed"));
  }
}
