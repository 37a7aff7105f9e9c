// process: run another program safely (output captured and capped, time limited) and say how it ended.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace looplab::kit {

struct RunOptions {
  std::chrono::milliseconds timeout{10'000};
  std::size_t output_limit = 1024 * 1024;  // bytes of output kept; the rest is read and dropped
  // When not empty: from the dropped part, blocks whose first line contains this are kept
  // anyway, up to their first blank line (up to 16 KB in all), e.g. a test framework's failure
  // reports written in the middle of a flood of output.
  std::string keep_blocks_marked;
  std::optional<std::filesystem::path> cwd;
  std::vector<std::pair<std::string, std::string>> extra_env;  // added to (or replacing in) our environment
};

struct RunResult {
  std::string error;              // non-empty when the program could not be started at all
  int exit_code = -1;             // the exit status if it exited; -1 if killed or never started
  std::optional<int> signal;      // the signal that killed it (SIGSEGV, SIGABRT, SIGKILL, ...)
  bool timed_out = false;         // we stopped it because it ran past the timeout
  std::chrono::milliseconds timeout{0};  // the limit that applied (for describe())
  std::string output;             // stdout and stderr, interleaved as the program wrote them
  bool truncated = false;         // output was cut: its start and end are kept, the middle dropped
  std::size_t dropped_bytes = 0;
  std::chrono::milliseconds elapsed{0};

  bool started() const { return error.empty(); }
  bool exited_cleanly() const { return started() && !timed_out && !signal && exit_code == 0; }
};

// Runs argv[0] (searched in PATH unless it contains a '/') with stdin from /dev/null, in a process
// group of its own. Never throws for problems of the program itself and never waits past
// timeout + a short grace: on timeout the whole group gets SIGTERM, then SIGKILL. When the program
// exits, anything it left running in its group (a grandchild holding the output pipe) is killed.
// Safe to call from several threads at once.
RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options);

// Runs argv[0] (searched in PATH) attached to our terminal: it shares our standard input and
// output, has no timeout, and we wait for it. For interactive programs such as the viewer.
// Returns its exit code, 128 + the signal that killed it, or -1 (and sets `error`) when it could
// not be started.
int run_attached(const std::vector<std::string>& argv, std::string& error);

// One line for a person: "exited with code 1", "crashed: segmentation fault (SIGSEGV)",
// "aborted (SIGABRT)", "timed out after 10 s (probably an endless loop or a deadlock)".
std::string describe(const RunResult& result);

// The name of a signal with what it usually means: "segmentation fault (SIGSEGV)".
std::string describe_signal(int signal);

// The first executable file called `name` in the directories of PATH, if any.
std::optional<std::filesystem::path> find_program(std::string_view name);

}  // namespace looplab::kit
