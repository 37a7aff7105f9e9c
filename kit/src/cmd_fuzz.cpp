// cmd_fuzz.cpp: the libFuzzer targets (cmake/LooplabFuzz.cmake). `./looplab fuzz` runs each one
// of build/fuzz for a while (the script configures that build with clang); `./looplab test`
// replays each one's committed corpora with the g++-built replay program, so a crash found once
// stays fixed. libFuzzer's own output goes to build/fuzz/logs/<name>.log: it is long, and the
// summary line says all a teacher needs.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "kit_checks.hpp"
#include "manifest.hpp"
#include "process.hpp"

namespace looplab::kit {
namespace {

namespace fs = std::filesystem;

// "812", "51k", "4.1M": input counts as a person reads them.
std::string count_text(std::uint64_t n) {
    if (n >= 1'000'000) return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
    if (n >= 10'000) return fmt::format("{}k", n / 1000);
    return std::to_string(n);
}

// The rest of the first line of `output` that starts with (or, if !at_start, contains) `key`.
std::optional<std::string> after(const std::string& output, const std::string& key, bool at_start = true) {
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        const auto at = line.find(key);
        if (at != std::string::npos && (!at_start || at == 0)) return line.substr(at + key.size());
    }
    return std::nullopt;
}

// The lines that say what went wrong: a target's broken invariant, a sanitizer's report, a
// libFuzzer deadly signal or timeout. At most `limit` of them, in order.
std::vector<std::string> report_lines(const std::string& output, std::size_t limit) {
    std::vector<std::string> found;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line) && found.size() < limit;) {
        for (const char* mark : {"broken invariant", "  on the line", "runtime error:", "ERROR:", "SUMMARY:"}) {
            if (line.find(mark) != std::string::npos) {
                found.push_back(line);
                break;
            }
        }
    }
    return found;
}

struct FuzzRun {
    std::uint64_t inputs = 0;
    long long seconds = 0;
    std::optional<std::string> finding;  // the file libFuzzer saved the crashing input to
};

// Reads libFuzzer's "Done 4123456 runs in 300 second(s)" and its final stats from `output`.
FuzzRun read_run(const std::string& output, const RunResult& result) {
    FuzzRun run;
    run.seconds = std::chrono::duration_cast<std::chrono::seconds>(result.elapsed).count();
    if (auto units = after(output, "stat::number_of_executed_units:")) run.inputs = std::stoull(*units);
    if (auto done = after(output, "Done ")) {
        std::istringstream words(*done);
        std::string runs_word, in_word;
        words >> run.inputs >> runs_word >> in_word >> run.seconds;
    }
    if (auto file = after(output, "Test unit written to ", false)) run.finding = *file;
    return run;
}

// Runs one target for `seconds` on its seeds and a scratch corpus under build/fuzz (new inputs
// go there, so the committed corpora stay small). Prints its summary line; true: no finding.
bool fuzz_one(const KitPaths& paths, const fs::path& build, const FuzzTarget& target, int seconds) {
    const fs::path work = build / "corpus" / target.name, findings = build / "findings" / target.name;
    const fs::path log = build / "logs" / (target.name + ".log");
    for (const fs::path& dir : {work, findings, log.parent_path()}) fs::create_directories(dir);
    std::vector<std::string> argv = {target.fuzzer.string(), fmt::format("-max_total_time={}", seconds),
                                     "-print_final_stats=1", "-timeout=10", "-dict=" + target.dict.string(),
                                     "-artifact_prefix=" + findings.string() + "/", work.string()};
    for (const fs::path& corpus : target.corpora) argv.push_back(corpus.string());
    fmt::print("fuzz: running {} for {} s (libFuzzer's output: {}) ...\n", target.name, seconds, paths.relative(log.string()));
    std::fflush(stdout);
    RunOptions options;
    options.timeout = std::chrono::seconds(seconds + 120);  // loading the corpus comes first
    options.cwd = build;
    const RunResult result = run_process(argv, options);
    std::ofstream(log) << result.output;
    const FuzzRun run = read_run(result.output, result);

    if (result.exited_cleanly() && !run.finding) {
        fmt::print("fuzz: {} ran {} s, {} inputs, no finding\n", target.name, run.seconds, count_text(run.inputs));
        return true;
    }
    if (!run.finding) {
        fmt::print("fuzz: {} did not run to the end: {}\n", target.name, describe(result));
        for (const auto& line : report_lines(result.output, 4)) fmt::print("  {}\n", line);
        return false;
    }
    const std::string file = paths.relative(*run.finding);
    fmt::print("fuzz: {} FOUND a crash after {} s, {} inputs: {}\n", target.name, run.seconds, count_text(run.inputs), file);
    for (const auto& line : report_lines(result.output, 4)) fmt::print("  {}\n", line);
    fmt::print("  replay it: {} {}\n", paths.relative(target.fuzzer.string()), file);
    fmt::print("  once it is fixed, copy it into {}/ (./looplab test replays that corpus)\n",
               paths.relative(target.corpora.front().string()));
    return false;
}

struct Replay {
    bool ok = false;
    std::uint64_t inputs = 0;
    std::string failure;  // why it failed, naming the input at fault
};

// Runs target's replay program over its committed corpora.
Replay replay(const KitPaths& paths, const FuzzTarget& target) {
    std::vector<std::string> argv = {target.replay.string()};
    for (const fs::path& corpus : target.corpora) argv.push_back(corpus.string());
    RunOptions options;
    options.timeout = std::chrono::seconds(300);  // a sanitized build on the 200 KB traces is slow
    const RunResult result = run_process(argv, options);
    Replay r;
    if (auto count = after(result.output, "replayed ")) r.inputs = std::stoull(*count);
    r.ok = result.exited_cleanly() && r.inputs > 0;
    if (r.ok) return r;
    std::string last_input = "(before the first input)";
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("input: ")) last_input = line.substr(7);
    }
    r.failure = fmt::format("{} CRASHED on {} ({})", target.name, paths.relative(last_input), describe(result));
    for (const auto& line : report_lines(result.output, 6)) r.failure += "\n  " + paths.relative(line);
    return r;
}

}  // namespace

void test_fuzz_corpora(const KitPaths& paths, const Manifest& manifest, Tally& tally) {
    if (manifest.fuzz_targets.empty()) {
        fmt::print("fuzz corpora: no fuzz target in this build\n");
        return tally.add(false);
    }
    std::vector<std::string> counts, failures;
    for (const FuzzTarget& target : manifest.fuzz_targets) {
        const Replay r = replay(paths, target);
        counts.push_back(fmt::format("{} {} inputs", target.name, r.inputs));
        if (!r.ok) failures.push_back(r.failure);
        tally.add(r.ok);
    }
    if (failures.empty()) {
        fmt::print("fuzz corpora: {} replayed, none crashed\n", fmt::join(counts, ", "));
        return;
    }
    for (const auto& failure : failures) fmt::print("fuzz corpora: {}\n", failure);
}

int cmd_fuzz(const KitPaths& paths, const fs::path& fuzz_build, int seconds, const std::string& only) {
    const Manifest manifest = load_manifest(manifest_path(fuzz_build));
    std::vector<const FuzzTarget*> chosen;
    for (const FuzzTarget& target : manifest.fuzz_targets) {
        if ((only.empty() || only == target.name) && !target.fuzzer.empty()) chosen.push_back(&target);
    }
    if (chosen.empty()) {
        fmt::print(stderr, "looplab: no fuzz target '{}' in {}. There are:", only, paths.relative(fuzz_build.string()));
        for (const FuzzTarget& target : manifest.fuzz_targets) fmt::print(stderr, " {}", target.name);
        fmt::print(stderr, "\n");
        return 2;
    }
    bool clean = true;
    for (const FuzzTarget* target : chosen) clean = fuzz_one(paths, fuzz_build, *target, seconds) && clean;
    return clean ? 0 : 1;
}

}  // namespace looplab::kit
