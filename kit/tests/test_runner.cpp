// Tests for the test runner, against a real Catch2 program (fixtures/catch_fixture.cpp).
#include "looplab_catch.hpp"

#include "process.hpp"
#include "test_runner.hpp"

#include <algorithm>
#include <thread>

#ifndef LOOPLAB_CATCH_FIXTURE
#error "kit_tests needs LOOPLAB_CATCH_FIXTURE, the path of the kit_catch_fixture program (see kit/CMakeLists.txt)"
#endif

using namespace looplab::kit;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

const std::filesystem::path fixture = LOOPLAB_CATCH_FIXTURE;

RunnerOptions options_with(std::string filter = "", std::chrono::milliseconds timeout = 20s) {
  RunnerOptions options;
  options.filter = std::move(filter);
  options.timeout = timeout;
  return options;
}

CaseResult run(const std::string& name, std::chrono::milliseconds timeout = 20s) {
  return run_case(fixture, name, options_with("", timeout));
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("list_cases lists a Catch2 program's test cases by their exact names", "[kit][runner]") {
  auto list = list_cases(fixture, options_with());
  SECTION("a program that lists its cases is not an error") {
    CHECK(list.error.empty());
  }
  SECTION("names with commas, brackets, quotes and backslashes come through unchanged") {
    CHECK(has(list.names, "a name with, a comma"));
    CHECK(has(list.names, "a name with [brackets] in it"));
    CHECK(has(list.names, "a name with \"quotes\""));
    CHECK(has(list.names, "a name with a back\\slash"));
  }
  SECTION("a name starting with '#' loses the quotes Catch2 puts around it") {
    CHECK(has(list.names, "#a name that starts with a hash"));
  }
  SECTION("a long name is not wrapped") {
    CHECK(has(list.names, "a very long name that goes on and on well past the eighty columns Catch2 uses to wrap its "
                          "listings"));
  }
  SECTION("hidden cases are not listed") {
    CHECK_FALSE(has(list.names, "a hidden test"));
  }
  SECTION("a tag filter lists only the cases with that tag") {
    auto lab01 = list_cases(fixture, options_with("[lab01]")).names;
    CHECK(lab01 == std::vector<std::string>{"a passing test", "a test without assertions"});
  }
  SECTION("a program that is not a Catch2 test program is an error") {
    auto not_catch = find_program("false");
    REQUIRE(not_catch.has_value());
    CHECK_FALSE(list_cases(*not_catch, options_with()).error.empty());
  }
  SECTION("a program that was not built is reported as not built") {
    CHECK_THAT(list_cases("/nonexistent/lab01_tests_yours", options_with()).error, Contains("not built"));
  }
}

TEST_CASE("test_spec_for quotes a name and escapes what Catch2 would misread", "[kit][runner]") {
  SECTION("a plain name is only quoted") {
    CHECK(test_spec_for("a plain name") == R"("a plain name")");
  }
  SECTION("commas, quotes and backslashes get a backslash") {
    CHECK(test_spec_for(R"(a, "b" \c)") == R"("a\, \"b\" \\c")");
  }
  SECTION("brackets need nothing inside quotes") {
    CHECK(test_spec_for("[x]") == R"("[x]")");
  }
  SECTION("a leading exclude: is capitalised so that it does not exclude") {
    CHECK(test_spec_for("exclude: me") == R"("Exclude: me")");
  }
}

TEST_CASE("run_case classifies each way a test case can end", "[kit][runner]") {
  SECTION("a passing case passes") {
    CHECK(run("a passing test").outcome == Outcome::passed);
  }
  SECTION("a passing case has no failure description") {
    CHECK(run("a passing test").describe_failure.empty());
  }
  SECTION("a case without assertions passes") {
    CHECK(run("a test without assertions").outcome == Outcome::passed);
  }
  SECTION("a failing check fails") {
    CHECK(run("a failing test").outcome == Outcome::failed);
  }
  SECTION("a failing check is counted in the description") {
    CHECK(run("a failing test").describe_failure == "failed: 1 of 1 checks did not hold");
  }
  SECTION("a stub's exception is recognised") {
    CHECK(run("a test that hits a stub").describe_failure == "not implemented yet: EventLoop::call_soon (lab 01)");
  }
  SECTION("a segmentation fault is a crash") {
    CHECK(run("a test that crashes").outcome == Outcome::crashed);
  }
  SECTION("a crash keeps what the test printed before it") {
    CHECK_THAT(run("a test that crashes").details, Contains("about to crash"));
  }
  SECTION("an abort is a crash") {
    CHECK(run("a test that aborts").outcome == Outcome::crashed);
  }
  SECTION("a hung case is stopped by the timeout") {
    CHECK(run("a test that hangs", 300ms).outcome == Outcome::timed_out);
  }
  SECTION("a deadlocked case is stopped by the timeout") {
    CHECK(run("a test that deadlocks", 300ms).outcome == Outcome::timed_out);
  }
  SECTION("an undefined-behaviour report is a crash, named after the sanitizer") {
    CHECK(run("a test that reports undefined behaviour").describe_failure ==
          "crashed: UndefinedBehaviorSanitizer found a problem (its report is below)");
  }
  SECTION("an exception nobody caught is named") {
    CHECK(run("a test that throws").describe_failure == "failed: an unexpected exception was thrown");
  }
  SECTION("a case that prints megabytes still fails by its check") {
    CHECK(run("a test that prints megabytes").describe_failure == "failed: 1 of 1 checks did not hold");
  }
  SECTION("a name the program does not have fails") {
    CHECK(run("no such test").describe_failure == "the test program has no test case with this name");
  }
  SECTION("a program that does not exist could not start") {
    CHECK(run_case("/nonexistent/lab01_tests_yours", "a passing test", options_with()).outcome ==
          Outcome::not_started);
  }
}

TEST_CASE("run_case keeps the substance of a failure report", "[kit][runner]") {
  auto details = run("a failing test").details;
  SECTION("the test name is kept") {
    CHECK_THAT(details, Contains("a failing test\n"));
  }
  SECTION("the expression and its expansion are kept") {
    CHECK_THAT(details, Contains("CHECK( answer == 42 )\nwith expansion:\n  41 == 42"));
  }
  SECTION("the INFO message is kept") {
    CHECK_THAT(details, Contains("the answer was computed by a stub"));
  }
  SECTION("the file and line are kept") {
    CHECK_THAT(details, Contains("catch_fixture.cpp:"));
  }
  SECTION("Catch2's banner is dropped") {
    CHECK_THAT(details, !Contains("~~~~") && !Contains("host application") && !Contains("Run with -?"));
  }
  SECTION("the filter line and rules are dropped") {
    CHECK_THAT(details, !Contains("Filters:") && !Contains("-----") && !Contains("....."));
  }
  SECTION("the final summary is dropped") {
    CHECK_THAT(details, !Contains("test cases:") && !Contains("====="));
  }
}

TEST_CASE("run_case keeps a flood of output small and its verdict whole", "[kit][runner]") {
  auto details = run("a test that prints megabytes").details;
  SECTION("at most about the output limit is kept") {
    CHECK(details.size() < RunOptions{}.output_limit + 4096);
  }
  SECTION("the report says how much was dropped") {
    CHECK_THAT(details, Contains("looplab-kit dropped"));
  }
  SECTION("the failed check at the end survives") {
    CHECK_THAT(details, Contains("CHECK( 1 + 1 == 3 )"));
  }
  SECTION("a failed check in the middle of the flood survives too") {
    auto middle = run("a test that fails, then prints megabytes").details;
    CHECK_THAT(middle, Contains("looplab-kit dropped") && Contains("CHECK( 2 + 2 == 5 )"));
    CHECK(middle.size() < RunOptions{}.output_limit + 4096 + 16 * 1024);
  }
}

TEST_CASE("run_suite runs every case in a process of its own", "[kit][runner]") {
  std::vector<std::string> reported;
  std::vector<std::thread::id> callers;
  auto options = options_with("[quick]");
  options.on_case_done = [&](const CaseResult& c) {
    reported.push_back(c.name);
    callers.push_back(std::this_thread::get_id());
  };
  auto suite = run_suite(fixture, options);
  SECTION("crashing cases do not stop the others") {
    CHECK(suite.total() == 21);
  }
  SECTION("the passing cases are counted") {
    CHECK(suite.passed() == 13);
  }
  SECTION("every name, however odd, selects exactly its own case") {
    for (const auto& c : suite.cases)
      if (c.name.find("name") != std::string::npos) CHECK(c.passed());
  }
  SECTION("the results come in the listed order") {
    CHECK(suite.cases.front().name == "a passing test");
  }
  SECTION("the callback hears about every case once") {
    CHECK(reported.size() == 21);
  }
  SECTION("the callback runs on the calling thread") {
    CHECK(std::all_of(callers.begin(), callers.end(), [](auto id) { return id == std::this_thread::get_id(); }));
  }
  SECTION("one job at a time gives the same results") {
    options.jobs = 1;
    options.on_case_done = nullptr;
    CHECK(run_suite(fixture, options).passed() == 13);
  }
  SECTION("a program that was not built is an error, with no cases") {
    auto missing = run_suite("/nonexistent/lab01_tests_yours", options);
    CHECK((missing.total() == 0 && !missing.error.empty()));
  }
}

TEST_CASE("run_suites runs several programs' cases in one pool and reports each program apart", "[kit][runner]") {
  auto options = options_with("[quick]");
  int heard = 0;
  options.on_case_done = [&](const CaseResult&) { ++heard; };
  auto suites = run_suites({fixture, "/nonexistent/lab02_tests_yours", fixture}, options);
  REQUIRE(suites.size() == 3);
  SECTION("each program's result sits where the program was named") {
    CHECK((suites[0].total() == 21 && suites[0].passed() == 13));
    CHECK((suites[2].total() == 21 && suites[2].passed() == 13));
  }
  SECTION("a program that was not built is an error of its own, and the others still run") {
    CHECK((suites[1].total() == 0 && !suites[1].error.empty()));
  }
  SECTION("every program's cases come in its listed order") {
    CHECK(suites[0].cases.front().name == "a passing test");
    CHECK(suites[2].cases.front().name == "a passing test");
  }
  SECTION("the callback hears about every case of every program once") {
    CHECK(heard == 42);
  }
  SECTION("no program at all gives no results") {
    CHECK(run_suites({}, options).empty());
  }
}

TEST_CASE("trim_catch_output keeps only the substance of Catch2's report", "[kit][runner]") {
  const std::string report =
      "Filters: \"x\"\n\n" + std::string(79, '~') +
      "\nprog is a Catch v2.13.10 host application.\nRun with -? for options\n\n" + std::string(79, '-') +
      "\nx\n" + std::string(79, '-') + "\nf.cpp:1\n" + std::string(79, '.') +
      "\n\nf.cpp:2: FAILED:\n  CHECK( a )\n\n" + std::string(79, '=') +
      "\ntest cases: 1 | 1 failed\nassertions: 1 | 1 failed\n\n";
  SECTION("a full report shrinks to name, place and failure") {
    CHECK(trim_catch_output(report) == "x\nf.cpp:1\n\nf.cpp:2: FAILED:\n  CHECK( a )\n");
  }
  SECTION("short lines of dashes are the student's and stay") {
    CHECK(trim_catch_output("-----\n") == "-----\n");
  }
}

TEST_CASE("not_implemented_target finds the stub a test ran into", "[kit][runner]") {
  SECTION("the lab and the function come from Catch2's exception message") {
    auto stub = not_implemented_target("f.cpp:3: FAILED:\ndue to unexpected exception with message:\n"
                                       "  lab 01: EventLoop::call_soon\n");
    REQUIRE(stub.has_value());
    CHECK((stub->lab == 1 && stub->target == "EventLoop::call_soon"));
  }
  SECTION("output without such a message has none") {
    CHECK_FALSE(not_implemented_target("due to unexpected exception with message:\n  bad_alloc\n").has_value());
  }
  SECTION("a sentence that merely mentions a lab is not a stub") {
    CHECK_FALSE(not_implemented_target("  lab 01: see the notes for details\n").has_value());
  }
}

TEST_CASE("shorten_details keeps the start, the end and every failure report", "[kit][runner]") {
  std::string flood;
  for (int i = 0; i < 100; ++i) flood += "noise\n";
  const std::string details = "start\n" + flood + "t.cpp:9: FAILED:\n  REQUIRE( x )\n\n" + flood + "end\n";
  const std::string shortened = shorten_details(details, 1, 1);
  SECTION("what is kept") {
    CHECK(shortened == "start\n[... 100 lines cut ...]\nt.cpp:9: FAILED:\n  REQUIRE( x )\n\n[... 100 lines cut ...]\nend\n");
  }
  SECTION("short details come back whole") {
    CHECK(shorten_details("a\nb\n", 1, 1) == "a\nb\n");
  }
}

TEST_CASE("to_string names each outcome", "[kit][runner]") {
  CHECK(to_string(Outcome::timed_out) == "timed out");
}
