// Tests for run_process(): capture, limits, timeouts and how a run is described.
#include "looplab_catch.hpp"

#include "process.hpp"

#include <csignal>
#include <filesystem>
#include <random>
#include <thread>

using namespace looplab::kit;
using namespace std::chrono_literals;

namespace {

// Runs a shell command line: /bin/sh gives every behaviour we need without extra fixtures.
RunResult sh(const std::string& script, std::chrono::milliseconds timeout = 20s, std::size_t limit = 1024 * 1024) {
  RunOptions options;
  options.timeout = timeout;
  options.output_limit = limit;
  return run_process({"sh", "-c", script}, options);
}

}  // namespace

TEST_CASE("run_process reports how a program exited", "[kit][process]") {
  SECTION("a zero exit code counts as a clean exit") {
    CHECK(sh("exit 0").exited_cleanly());
  }
  SECTION("the exit code is reported") {
    CHECK(sh("exit 3").exit_code == 3);
  }
  SECTION("a program that exits has no signal") {
    CHECK_FALSE(sh("exit 3").signal.has_value());
  }
  SECTION("a program killed by a signal reports that signal") {
    CHECK(sh("kill -SEGV $$").signal == SIGSEGV);
  }
  SECTION("a program killed by a signal did not exit cleanly") {
    CHECK_FALSE(sh("kill -ABRT $$").exited_cleanly());
  }
}

TEST_CASE("run_process captures standard output and standard error together", "[kit][process]") {
  auto result = sh("echo to-stdout; echo to-stderr >&2");
  SECTION("standard output is captured") {
    CHECK_THAT(result.output, Catch::Matchers::Contains("to-stdout"));
  }
  SECTION("standard error is captured") {
    CHECK_THAT(result.output, Catch::Matchers::Contains("to-stderr"));
  }
  SECTION("nothing is reported as truncated") {
    CHECK_FALSE(result.truncated);
  }
}

TEST_CASE("run_process passes arguments, environment and working directory", "[kit][process]") {
  SECTION("arguments arrive unchanged, spaces and quotes included") {
    auto result = run_process({"sh", "-c", "printf '%s|' \"$@\"", "sh", "a b", "\"c\"", ""}, {});
    CHECK(result.output == "a b|\"c\"||");
  }
  SECTION("extra environment variables are visible to the program") {
    RunOptions options;
    options.extra_env = {{"LOOPLAB_TEST_VALUE", "forty two"}};
    auto result = run_process({"sh", "-c", "printf %s \"$LOOPLAB_TEST_VALUE\""}, options);
    CHECK(result.output == "forty two");
  }
  SECTION("an extra variable replaces one of the same name") {
    RunOptions options;
    options.extra_env = {{"HOME", "/nowhere"}};
    auto result = run_process({"sh", "-c", "printf %s \"$HOME\""}, options);
    CHECK(result.output == "/nowhere");
  }
  SECTION("the program runs in the given directory") {
    RunOptions options;
    options.cwd = std::filesystem::temp_directory_path();
    auto result = run_process({"sh", "-c", "pwd -P"}, options);
    CHECK(result.output == std::filesystem::canonical(*options.cwd).string() + "\n");
  }
  SECTION("standard input is empty, so a program that reads it does not wait") {
    CHECK(sh("cat; echo done").output == "done\n");
  }
}

TEST_CASE("run_process reports a program it cannot start", "[kit][process]") {
  SECTION("a missing file is an error, not an exception") {
    auto result = run_process({"/nonexistent/looplab/program"}, {});
    CHECK_THAT(result.error, Catch::Matchers::Contains("No such file"));
  }
  SECTION("a program that is not in PATH is an error") {
    auto result = run_process({"looplab-no-such-program"}, {});
    CHECK_THAT(result.error, Catch::Matchers::Contains("cannot find the program"));
  }
  SECTION("a working directory that does not exist is an error") {
    RunOptions options;
    options.cwd = "/nonexistent/looplab/dir";
    CHECK_FALSE(run_process({"sh", "-c", "exit 0"}, options).started());
  }
  SECTION("an empty command line is an error") {
    CHECK_FALSE(run_process({}, {}).started());
  }
  SECTION("describe() says that it could not start") {
    auto result = run_process({"/nonexistent/looplab/program"}, {});
    CHECK_THAT(describe(result), Catch::Matchers::StartsWith("could not start: cannot run"));
  }
}

TEST_CASE("run_process keeps only the allowed amount of output", "[kit][process]") {
  auto result = sh("yes | head -c 10000000; echo THE-END", 60s, 1000);  // 10 MB of "y\n"
  SECTION("the program is not blocked by the output it cannot keep") {
    CHECK(result.exited_cleanly());
  }
  SECTION("the output is marked as truncated") {
    CHECK(result.truncated);
  }
  SECTION("the dropped bytes are counted") {
    CHECK(result.dropped_bytes >= 10000000 - 1000);
  }
  SECTION("the kept output stays near the limit") {
    CHECK(result.output.size() < 1200);
  }
  SECTION("the end of the output is kept") {
    CHECK_THAT(result.output, Catch::Matchers::EndsWith("THE-END\n"));
  }
  SECTION("the start of the output is kept") {
    CHECK_THAT(result.output, Catch::Matchers::StartsWith("y\ny\n"));
  }
}

TEST_CASE("run_process stops a program that runs past its timeout", "[kit][process]") {
  SECTION("a hung child is stopped by the timeout") {
    CHECK(sh("while :; do :; done", 300ms).timed_out);
  }
  SECTION("a child that closed its output but keeps running is stopped by the timeout") {
    CHECK(sh("exec >/dev/null 2>&1; sleep 30", 300ms).timed_out);
  }
  SECTION("a child that ignores SIGTERM is still stopped") {
    auto result = sh("trap '' TERM; while :; do :; done", 300ms);
    CHECK(result.signal == SIGKILL);
  }
  SECTION("output written before the timeout is kept") {
    CHECK_THAT(sh("echo before; sleep 30", 300ms).output, Catch::Matchers::Contains("before"));
  }
  SECTION("describe() names the timeout") {
    CHECK(describe(sh("sleep 30", 300ms)) == "timed out after 0.3 s (probably an endless loop or a deadlock)");
  }
}

TEST_CASE("run_process does not wait for what a program leaves behind", "[kit][process]") {
  SECTION("a grandchild holding the output pipe does not keep us waiting") {
    auto result = sh("sleep 30 & echo started", 20s);
    CHECK_FALSE(result.timed_out);
  }
  SECTION("the program's own exit code is still reported") {
    CHECK(sh("sleep 30 & exit 4", 20s).exit_code == 4);
  }
  SECTION("a grandchild left running is killed with its process group") {
    auto marker = std::filesystem::temp_directory_path() /
                  ("looplab-kit-test-grandchild-" + std::to_string(std::random_device{}()));
    std::filesystem::remove(marker);
    sh("(sleep 1; echo alive > '" + marker.string() + "') & exit 0");
    std::this_thread::sleep_for(1500ms);  // the grandchild would have written by now
    CHECK_FALSE(std::filesystem::exists(marker));
    std::filesystem::remove(marker);
  }
}

TEST_CASE("describe() says in words how a run ended", "[kit][process]") {
  RunResult result;
  SECTION("an exit code") {
    result.exit_code = 1;
    CHECK(describe(result) == "exited with code 1");
  }
  SECTION("a segmentation fault") {
    result.signal = SIGSEGV;
    CHECK(describe(result) == "crashed: segmentation fault (SIGSEGV)");
  }
  SECTION("an abort") {
    result.signal = SIGABRT;
    CHECK(describe(result) == "aborted (SIGABRT)");
  }
  SECTION("a timeout, which wins over the signal that ended it") {
    result.timed_out = true;
    result.signal = SIGKILL;
    result.timeout = 10s;
    CHECK(describe(result) == "timed out after 10 s (probably an endless loop or a deadlock)");
  }
}

TEST_CASE("find_program looks through PATH", "[kit][process]") {
  SECTION("it finds sh") {
    CHECK(find_program("sh").has_value());
  }
  SECTION("it finds nothing for a name no program has") {
    CHECK_FALSE(find_program("looplab-no-such-program").has_value());
  }
}
