// run_process() on POSIX systems: the one kit file that calls the operating system directly.
#include "process.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace looplab::kit {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kTermGrace = 300ms;    // between SIGTERM and SIGKILL: time for Catch2 to print its report
constexpr auto kTick = 10ms;          // how often we look whether the child has exited
constexpr auto kDrainLimit = 200ms;   // reading what is left after the end never takes longer
constexpr std::size_t kChunk = 64 * 1024;

std::string errno_text(int error) { return std::generic_category().message(error); }

// A file descriptor that closes itself.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Keeps the first 3/4 and the last 1/4 of the allowed bytes: the start shows what went wrong
// first, the end holds the test framework's summary. Everything in between is only counted,
// except the blocks that begin with a line holding `marker` (a failure report written in the
// middle of a flood), which are kept up to their first blank line, within kMarkedLimit.
class OutputCapture {
 public:
  static constexpr std::size_t kMarkedLimit = 16 * 1024;

  OutputCapture(std::size_t limit, std::string marker)
      : head_limit_(limit - limit / 4), tail_limit_(limit / 4), marker_(std::move(marker)) {}

  void add(std::string_view bytes) {
    total_ += bytes.size();
    auto to_head = std::min(bytes.size(), head_limit_ - head_.size());
    head_.append(bytes.substr(0, to_head));
    bytes.remove_prefix(to_head);
    tail_.append(bytes);
    if (tail_.size() > 2 * tail_limit_) trim_tail();  // trimming in batches keeps this linear
  }

  void finish_into(RunResult& result) {
    trim_tail();
    result.dropped_bytes = total_ - head_.size() - tail_.size();
    result.truncated = result.dropped_bytes > 0;
    result.output = std::move(head_);
    if (result.truncated)
      result.output += fmt::format("\n[... looplab-kit dropped {} bytes of output here ...]\n", result.dropped_bytes);
    if (!marked_.empty())
      result.output += fmt::format("[... but kept these reports from them:]\n{}[... end of the kept reports]\n", marked_);
    result.output += tail_;
  }

 private:
  void trim_tail() {
    if (tail_.size() <= tail_limit_) return;
    const std::size_t cut = tail_.size() - tail_limit_;
    keep_marked(std::string_view(tail_).substr(0, cut));
    tail_.erase(0, cut);
  }

  // Copies the marked blocks of `dropped` (the next bytes to be dropped) into marked_.
  void keep_marked(std::string_view dropped) {
    if (marker_.empty()) return;
    std::size_t at = 0;
    while (at < dropped.size() && marked_.size() < kMarkedLimit) {
      if (!in_block_) {
        const auto found = dropped.find(marker_, at);
        if (found == std::string_view::npos) return;
        const auto line_start = dropped.rfind('\n', found);
        at = line_start == std::string_view::npos ? 0 : line_start + 1;
        in_block_ = true;
      }
      const auto blank = dropped.find("\n\n", at);
      const std::size_t end = blank == std::string_view::npos ? dropped.size() : blank + 2;
      marked_.append(dropped.substr(at, std::min(end - at, kMarkedLimit - marked_.size())));
      in_block_ = blank == std::string_view::npos;
      at = end;
    }
  }

  std::size_t head_limit_, tail_limit_, total_ = 0;
  std::string marker_;
  bool in_block_ = false;  // the last dropped bytes ended inside a marked block
  std::string head_, tail_, marked_;
};

// ---- Starting the child ----------------------------------------------------------------------

// Everything the child needs, prepared before fork(): after fork() in a threaded program the
// child may only call async-signal-safe functions, so no allocation happens there.
struct ChildPlan {
  std::string program;
  std::vector<std::string> argv_storage, env_storage;
  std::vector<char*> argv, envp;
  std::optional<std::string> cwd;
};

std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text = *entry;
    bool replaced = std::any_of(extra.begin(), extra.end(), [&](const auto& kv) {
      return text.size() > kv.first.size() && text.starts_with(kv.first) && text[kv.first.size()] == '=';
    });
    if (!replaced) env.emplace_back(text);
  }
  for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

ChildPlan make_plan(std::string program, const std::vector<std::string>& argv, const RunOptions& options) {
  ChildPlan plan;
  plan.program = std::move(program);
  plan.argv_storage = argv;
  plan.env_storage = environment_with(options.extra_env);
  plan.argv = c_strings(plan.argv_storage);
  plan.envp = c_strings(plan.env_storage);
  if (options.cwd) plan.cwd = options.cwd->string();
  return plan;
}

// What the child reports through the status pipe when it cannot exec.
struct ChildFailure {
  int stage;  // 0: chdir, 1: exec
  int error;  // errno
};

// Runs in the child between fork() and exec(): async-signal-safe calls only.
[[noreturn]] void become_child(const ChildPlan& plan, int output_fd, int status_fd, int null_fd) {
  ::setpgid(0, 0);  // our own process group, so a timeout can kill everything we start
  ::dup2(null_fd, STDIN_FILENO);
  ::dup2(output_fd, STDOUT_FILENO);
  ::dup2(output_fd, STDERR_FILENO);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ChildFailure failure{0, 0};
  if (plan.cwd && ::chdir(plan.cwd->c_str()) != 0) {
    failure = {0, errno};
  } else {
    ::execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
    failure = {1, errno};
  }
  [[maybe_unused]] auto written = ::write(status_fd, &failure, sizeof failure);
  ::_exit(127);
}

// Pipes are created and the child forked under one lock, so no child started by another thread
// can inherit our pipe ends before they are marked close-on-exec (pipe2() is not portable).
std::mutex spawn_mutex;

bool make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe(fds) != 0) return false;
  read_end = Fd(fds[0]);
  write_end = Fd(fds[1]);
  return ::fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0 && ::fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0;
}

struct Spawned {
  pid_t pid = -1;
  Fd output;          // read end of the child's stdout+stderr, non-blocking
  std::string error;  // set when there is no child
};

std::string describe_failure(const ChildPlan& plan, ChildFailure failure) {
  if (failure.stage == 0) return fmt::format("cannot change into {}: {}", *plan.cwd, errno_text(failure.error));
  return fmt::format("cannot run {}: {}", plan.program, errno_text(failure.error));
}

// Reads the status pipe: it closes empty when exec() succeeds (close-on-exec) and carries a
// ChildFailure when it did not. The failed child exits at once; we reap it here.
std::string wait_for_exec(const ChildPlan& plan, pid_t pid, Fd& status_read) {
  ChildFailure failure{};
  ssize_t n;
  do n = ::read(status_read.get(), &failure, sizeof failure);
  while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof failure)) return {};
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return describe_failure(plan, failure);
}

Spawned spawn(const ChildPlan& plan) {
  Spawned spawned;
  Fd out_read, out_write, status_read, status_write;
  pid_t pid;
  {
    std::lock_guard lock(spawn_mutex);
    Fd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_fd.is_open() || !make_pipe(out_read, out_write) || !make_pipe(status_read, status_write)) {
      spawned.error = fmt::format("cannot set up pipes: {}", errno_text(errno));
      return spawned;
    }
    pid = ::fork();
    if (pid == 0) become_child(plan, out_write.get(), status_write.get(), null_fd.get());
  }
  if (pid < 0) {
    spawned.error = fmt::format("cannot start a process: {}", errno_text(errno));
    return spawned;
  }
  ::setpgid(pid, pid);  // also from this side, so the group exists before we might kill it
  out_write.reset();    // now only the child holds the write ends
  status_write.reset();
  spawned.error = wait_for_exec(plan, pid, status_read);
  if (!spawned.error.empty()) return spawned;
  ::fcntl(out_read.get(), F_SETFL, ::fcntl(out_read.get(), F_GETFL) | O_NONBLOCK);
  spawned.pid = pid;
  spawned.output = std::move(out_read);
  return spawned;
}

// ---- Watching the child ----------------------------------------------------------------------

// True once the child has exited. It stays a zombie (WNOWAIT), so its pid, which is also its
// process group's id, cannot be reused before we kill the group and reap it.
bool has_exited(pid_t pid) {
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) < 0) {
    if (errno != EINTR) return true;  // no such child: nothing left to wait for
  }
  return info.si_pid == pid;
}

// Reads one chunk if output arrives within `wait`; closes `fd` at end of file.
void read_some(Fd& fd, OutputCapture& capture, std::chrono::milliseconds wait) {
  pollfd p{fd.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return;
  std::array<char, kChunk> buffer;
  ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
  if (n > 0) capture.add({buffer.data(), static_cast<std::size_t>(n)});
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) fd.reset();
}

// Reads output until the child exits (true) or the deadline passes (false). A child that closed
// its output but keeps running is still watched until the deadline.
bool pump_until_exit(pid_t pid, Fd& output, Clock::time_point deadline, OutputCapture& capture) {
  // The pipe usually closes a moment before the exiting child can be waited for. Sleeping a
  // whole tick then cost 10 ms a test case (a third of `check`'s time), so the sleeps after the
  // end of output start at 50 µs and double up to the tick.
  std::chrono::microseconds nap = 50us;
  for (;;) {
    if (has_exited(pid)) return true;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= 0ms) return false;
    auto wait = std::min<std::chrono::milliseconds>(kTick, left);
    if (output.is_open()) {
      read_some(output, capture, wait);
    } else {
      std::this_thread::sleep_for(std::min<std::chrono::microseconds>(nap, wait));
      nap = std::min<std::chrono::microseconds>(nap * 2, kTick);
    }
  }
}

// Takes what is already in the pipe without waiting for more (a straggler may hold it open).
void drain(Fd& output, OutputCapture& capture) {
  auto until = Clock::now() + kDrainLimit;
  while (output.is_open() && Clock::now() < until) {
    std::array<char, kChunk> buffer;
    ssize_t n = ::read(output.get(), buffer.data(), buffer.size());
    if (n > 0) capture.add({buffer.data(), static_cast<std::size_t>(n)});
    else if (n < 0 && errno == EINTR) continue;
    else break;  // end of file, or nothing more right now
  }
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return status;
}

// Watches the child to its end and returns its wait status. On timeout the group gets SIGTERM
// (Catch2 then reports which test was running) and, after a grace period, SIGKILL.
int supervise(Spawned& child, std::chrono::milliseconds timeout, OutputCapture& capture, bool& timed_out) {
  bool exited = pump_until_exit(child.pid, child.output, Clock::now() + timeout, capture);
  if (!exited) {
    timed_out = true;
    ::kill(-child.pid, SIGTERM);
    pump_until_exit(child.pid, child.output, Clock::now() + kTermGrace, capture);
  }
  drain(child.output, capture);
  ::kill(-child.pid, SIGKILL);  // whatever is left in the group: the stubborn child, or stragglers
  int status = reap(child.pid);
  drain(child.output, capture);
  return status;
}

// The file to exec: `name` itself if it contains a '/', else found in PATH. Made absolute,
// because the child changes into options.cwd before exec() reads the path.
std::optional<std::string> program_path(const std::string& name) {
  std::optional<std::filesystem::path> program = name;
  if (name.find('/') == std::string::npos) program = find_program(name);
  if (!program) return std::nullopt;
  std::error_code ec;
  auto absolute = std::filesystem::absolute(*program, ec);
  return (ec ? *program : absolute).string();
}

}  // namespace

RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options) {
  RunResult result;
  result.timeout = options.timeout;
  auto start = Clock::now();
  if (argv.empty() || argv[0].empty()) {
    result.error = "no program given";
    return result;
  }
  auto program = program_path(argv[0]);
  if (!program) {
    result.error = fmt::format("cannot find the program '{}' in PATH", argv[0]);
    return result;
  }
  Spawned child = spawn(make_plan(*program, argv, options));
  if (!child.error.empty()) {
    result.error = child.error;
    return result;
  }
  OutputCapture capture(options.output_limit, options.keep_blocks_marked);
  int status = supervise(child, options.timeout, capture, result.timed_out);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  capture.finish_into(result);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return result;
}

int run_attached(const std::vector<std::string>& argv, std::string& error) {
  auto program = argv.empty() ? std::nullopt : program_path(argv[0]);
  if (!program) {
    error = fmt::format("cannot find the program '{}'", argv.empty() ? "" : argv[0]);
    return -1;
  }
  std::vector<std::string> args = argv;
  std::vector<char*> c_args = c_strings(args);
  pid_t pid = -1;
  if (int rc = ::posix_spawn(&pid, program->c_str(), nullptr, nullptr, c_args.data(), environ); rc != 0) {
    error = fmt::format("cannot start {}: {}", *program, errno_text(rc));
    return -1;
  }
  const int status = reap(pid);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string describe_signal(int sig) {
  switch (sig) {
    case SIGSEGV: return "crashed: segmentation fault (SIGSEGV)";
    case SIGBUS: return "crashed: bus error (SIGBUS)";
    case SIGFPE: return "crashed: arithmetic error such as an integer division by zero (SIGFPE)";
    case SIGILL: return "crashed: illegal instruction (SIGILL)";
    case SIGABRT: return "aborted (SIGABRT)";
    case SIGKILL: return "killed (SIGKILL)";
    case SIGTERM: return "terminated (SIGTERM)";
    case SIGINT: return "interrupted (SIGINT)";
    case SIGPIPE: return "killed by a broken pipe (SIGPIPE)";
    default: return fmt::format("killed by signal {}", sig);
  }
}

std::string describe(const RunResult& result) {
  if (!result.started()) return fmt::format("could not start: {}", result.error);
  if (result.timed_out)
    return fmt::format("timed out after {:g} s (probably an endless loop or a deadlock)",
                       static_cast<double>(result.timeout.count()) / 1000.0);
  if (result.signal) return describe_signal(*result.signal);
  return fmt::format("exited with code {}", result.exit_code);
}

std::optional<std::filesystem::path> find_program(std::string_view name) {
  auto runnable = [](const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) {
    if (runnable(name)) return std::filesystem::path(name);
    return std::nullopt;
  }
  const char* path_env = std::getenv("PATH");
  std::string_view dirs = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    auto colon = dirs.find(':');
    std::string_view dir = dirs.substr(0, colon);
    auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;  // empty entry: here
    if (runnable(candidate)) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

}  // namespace looplab::kit
