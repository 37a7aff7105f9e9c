// cmd_progress.cpp: the commands that run the labs' tests on the student's own loop:
// status (a table), check (failures explained like a teacher would) and watch.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "grading.hpp"
#include "lab_docs.hpp"
#include "manifest.hpp"
#include "process.hpp"
#include "regions.hpp"
#include "test_runner.hpp"

namespace looplab::kit {
namespace {

namespace fs = std::filesystem;

constexpr int shown_in_full = 5;  // failures explained in detail; the rest are listed by name

// The student's regions, or none when their markers do not parse (check still runs the tests).
std::vector<SourceFile> student_regions(const KitPaths& paths) {
    try {
        return parse_folder(paths.student_loop());
    } catch (const RegionError& error) {
        fmt::print("Note: {}\n\n", error.what());
        return {};
    }
}

// The regions a failing test points at: the stub it hit, or else the regions its tags name
// (a test tagged [run_once] points at EventLoop::run_once).
std::vector<const Region*> likely_regions(const CaseResult& c, const std::vector<std::string>& tags,
                                          const std::vector<SourceFile>& files, int lab) {
    if (auto target = not_implemented_target(c.details)) {
        const Region* stub = find_region(files, target->target);
        return stub ? std::vector<const Region*>{stub} : std::vector<const Region*>{};
    }
    std::vector<const Region*> tagged;
    for (const Region* region : regions_tagged(files, tags)) {
        if (region->lab == lab) tagged.push_back(region);  // [cancel] in lab 03 is not Handle::cancel
    }
    return tagged;
}

// "do X. See TUTORIAL.md#..." -> "do X.": the link is for the source file, not the terminal.
std::string without_tutorial_link(const std::string& goal) {
    auto see = goal.find(" See TUTORIAL.md");
    return see == std::string::npos ? goal : goal.substr(0, see);
}


// What happened, in a sentence a student can act on.
std::string what_happened(const CaseResult& c) {
    if (auto target = not_implemented_target(c.details)) {
        return fmt::format("it reached {}, which still throws not_implemented (the starter stub)", target->target);
    }
    if (c.details.find("terminate called") != std::string::npos) {
        return c.describe_failure + ": an exception escaped where nothing could catch it (a destructor, a "
               "noexcept function, or another thread); the line 'terminate called after throwing' below names it";
    }
    switch (c.outcome) {
        case Outcome::crashed:
            if (c.describe_failure.find("SIGABRT") != std::string::npos) {
                return c.describe_failure + ": something called std::abort(), usually a failed assert(); its "
                       "message is in the output below";
            }
            return c.describe_failure + ": often a dangling reference, or a Handle used after it was moved from";
        case Outcome::timed_out: return c.describe_failure;
        case Outcome::not_started: return "the test program did not start: " + c.describe_failure;
        default: return "a check failed: the test's explanation and the values it saw are below";
    }
}

// Prints a test's output indented, a long one (a test that printed megabytes) shortened to
// a screenful that still holds every failure report.
void print_details(const std::string& details) {
    std::istringstream in(shorten_details(details, 8, 60));
    for (std::string line; std::getline(in, line);) fmt::print("    {}\n", line);
}

void explain(const CaseResult& c, int lab, const std::vector<std::string>& tags, const std::vector<SourceFile>& files,
             const KitPaths& paths, const fs::path& binary) {
    fmt::print("\n✗ {}\n", c.name);
    fmt::print("  What happened: {}\n", what_happened(c));
    const char* label = "  Look at:       ";
    for (const Region* region : likely_regions(c, tags, files, lab)) {
        fmt::print("{}labs/loop/{}:{}  {}\n", label, region->file, region->begin_line, region->name);
        fmt::print("                 ({})\n", without_tutorial_link(region->goal));
        label = "  or at:         ";
    }
    if (not_implemented_target(c.details)) return;  // the stub message says it all
    print_details(paths.relative(c.details));
    if (c.outcome == Outcome::crashed || c.outcome == Outcome::timed_out) {
        fmt::print("  Run it alone (e.g. under gdb): {} {}\n", fs::relative(binary, paths.root).string(), test_spec_for(c.name));
    }
}

// The lab's regions that are still starter code, with how many failing tests stop at each
// stub: "where to start" for a student.
void summarize_unsolved(int lab, const std::vector<const CaseResult*>& failures, const std::vector<SourceFile>& files) {
    std::map<std::string, int> stopped_by;
    for (const CaseResult* c : failures) {
        if (auto target = not_implemented_target(c->details)) ++stopped_by[target->target];
    }
    bool header = false;
    for (const auto& file : files) {
        for (const auto& region : file.regions) {
            if (region.lab != lab || !is_unsolved(region)) continue;
            if (!header) fmt::print("\nRegions of lab {:02} still holding starter code:\n", lab);
            header = true;
            auto stopped = stopped_by.find(region.name);
            fmt::print("  labs/loop/{}:{:<5} {:<36} {}\n", region.file, region.begin_line, region.name,
                       stopped == stopped_by.end() ? "" : fmt::format("stops {} test(s)", stopped->second));
        }
    }
}

// Prints how `lab`'s tests went on the student's loop, and explains the first failures.
// Returns 1 when any test failed, else 0.
int report_lab(const Lab& lab, const SuiteResult& suite, const fs::path& binary, const Manifest& manifest,
               const std::vector<SourceFile>& files, const KitPaths& paths) {
    if (!suite.error.empty()) {
        fmt::print("{}: the tests could not run: {}\n", lab.label(), suite.error);
        return 1;
    }
    std::vector<const CaseResult*> failures;
    for (const auto& c : suite.cases) {
        if (c.outcome != Outcome::passed) failures.push_back(&c);
    }
    fmt::print("{}: {}/{} tests pass on your loop\n", lab.label(), suite.passed(), suite.total());
    if (failures.empty()) return 0;
    auto tags = list_case_tags(binary, runner_options(manifest.test_timeout));
    summarize_unsolved(lab.number, failures, files);
    int shown = 0;
    for (const CaseResult* c : failures) {
        if (shown++ < shown_in_full) explain(*c, lab.number, tags[c->name], files, paths, binary);
    }
    if (failures.size() > shown_in_full) {
        fmt::print("\n...and {} more failing:\n", failures.size() - shown_in_full);
        for (std::size_t i = shown_in_full; i < failures.size(); ++i) {
            fmt::print("  ✗ {}  ({})\n", failures[i]->name, failures[i]->describe_failure);
        }
    }
    return 1;
}

// Runs the test programs of labs 1..`through` together (their cases share one pool of workers,
// so lab 06's long threaded test no longer holds up lab 07's), then reports lab by lab.
// Returns, for each lab in order, 1 if a test failed or could not run, else 0.
std::vector<std::pair<const Lab*, int>> check_labs(int through, const Manifest& manifest,
                                                   const std::vector<SourceFile>& files, const KitPaths& paths,
                                                   const std::string& variant) {
    std::vector<const Lab*> labs;
    std::vector<fs::path> binaries;
    for (const Lab& lab : manifest.labs) {
        if (lab.number > through) continue;
        auto binary = lab.tests.find(variant);
        labs.push_back(&lab);
        binaries.push_back(binary == lab.tests.end() ? fs::path{} : binary->second);
    }
    fmt::print("Running the tests of {} on your loop ...\n",
               labs.size() == 1 ? labs.front()->label() : fmt::format("labs 01..{:02}", through));
    std::fflush(stdout);
    const std::vector<SuiteResult> suites = run_suites(binaries, runner_options(manifest.test_timeout));
    std::vector<std::pair<const Lab*, int>> failed;
    fmt::print("\n");
    for (std::size_t i = 0; i < labs.size(); ++i) {
        // A lab whose failures were explained ends with a blank line: the next lab's line stands apart.
        if (i > 0 && failed.back().second != 0) fmt::print("\n");
        if (binaries[i].empty()) {
            fmt::print("{}: not built for your loop\n", labs[i]->label());
            failed.emplace_back(labs[i], 1);
            continue;
        }
        failed.emplace_back(labs[i], report_lab(*labs[i], suites[i], binaries[i], manifest, files, paths));
    }
    return failed;
}

// The compiler's first errors when the student's loop did not build; nothing when it did.
std::optional<std::string> compile_errors(const KitPaths& paths) {
    std::ifstream in(paths.yours_did_not_compile());
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return paths.relative(text.str());
}

// A lab's result when the student's loop does not compile: every test the lab has (named by
// the reference build's test program) fails with the compiler's errors as its output.
SuiteResult not_compiled(const Lab& lab, const Manifest& manifest, const std::string& errors) {
    SuiteResult suite;
    auto reference = lab.tests.find("reference");
    if (reference == lab.tests.end() || !fs::exists(reference->second)) {
        suite.error = "your loop did not compile, so these tests could not run";
        return suite;
    }
    CaseList list = list_cases(reference->second, runner_options(manifest.test_timeout));
    suite.error = list.error;
    for (auto& name : list.names) {
        suite.cases.push_back({.name = std::move(name),
                               .outcome = Outcome::failed,
                               .details = "The compiler's first errors:\n" + errors,
                               .describe_failure = "not run: your loop does not compile"});
    }
    return suite;
}

// The first lab that still has an unsolved region: where a student is probably working.
int current_lab(const KitPaths& paths) {
    int last = 1;
    for (const auto& file : student_regions(paths)) {
        for (const auto& region : file.regions) {
            if (is_unsolved(region)) return region.lab;
            last = std::max(last, region.lab);
        }
    }
    return last;
}

}  // namespace

int cmd_status(const KitPaths& paths) {
    Manifest manifest = load_manifest(paths.manifest());
    auto files = student_regions(paths);
    const bool stale = compile_errors(paths).has_value();
    // Every lab's tests at once (one pool of workers), unless the programs are from an older build.
    std::vector<fs::path> binaries;
    for (const Lab& lab : manifest.labs) {
        auto binary = lab.tests.find("yours");
        binaries.push_back(binary == lab.tests.end() || stale ? fs::path{} : binary->second);
    }
    const std::vector<SuiteResult> suites = run_suites(binaries, runner_options(manifest.test_timeout));
    fmt::print("{:<28} {:>14} {:>16}\n", "lab", "tests passing", "regions edited");
    std::optional<int> next;  // the first lab whose tests do not all pass yet
    for (std::size_t i = 0; i < manifest.labs.size(); ++i) {
        const Lab& lab = manifest.labs[i];
        int regions = 0, started = 0;
        for (const auto& file : files) {
            for (const auto& region : file.regions) {
                if (region.lab != lab.number) continue;
                ++regions;
                started += is_unsolved(region) ? 0 : 1;
            }
        }
        std::string passing = "not built";
        const SuiteResult& suite = suites[i];
        if (stale) {
            passing = "no build";  // the test programs there are from an older build
        } else if (!binaries[i].empty() && fs::exists(binaries[i])) {
            passing = suite.error.empty() ? fmt::format("{}/{}", suite.passed(), suite.total()) : "did not run";
            if (suite.error.empty() && suite.total() > 0 && suite.passed() == suite.total()) passing += " done";
        }
        if (!next && passing.find("done") == std::string::npos) next = lab.number;
        fmt::print("{:<28} {:>14} {:>16}\n", lab.label(), passing, fmt::format("{}/{}", started, regions));
    }
    if (stale) {
        fmt::print("\nYour loop does not compile (the errors are above): fix them, then run ./looplab status again.\n");
    } else if (next) {
        fmt::print("\nNext: ./looplab check {}\n", *next);
    } else {
        fmt::print("\nEvery lab's tests pass on your loop.\n");
    }
    return 0;
}

int cmd_check(const KitPaths& paths, int number, const std::string& variant) {
    Manifest manifest = load_manifest(paths.manifest());
    if (!find_lab(manifest, number)) {
        fmt::print(stderr, "There is no lab {:02} in this build.\n", number);
        return 1;
    }
    // labs/loop's regions say where to look only when it is labs/loop that was built.
    const auto files = variant == "yours" ? student_regions(paths) : std::vector<SourceFile>{};
    int failed_labs = 0;
    std::vector<std::string> unfinished_earlier;  // "01", "04": labs this one builds on
    for (const auto& [lab, failed] : check_labs(number, manifest, files, paths, variant)) {
        failed_labs += failed;
        if (failed != 0 && lab->number < number) unfinished_earlier.push_back(fmt::format("{:02}", lab->number));
    }
    if (failed_labs == 0) {
        fmt::print("\nAll tests of labs 01..{:02} pass on your loop. Well done!\n", number);
        return 0;
    }
    if (!unfinished_earlier.empty()) {
        // Lab N's tests run on the earlier labs' code: their failures explain many of lab N's.
        fmt::print("\nLab {} builds on labs that do not pass yet: {}. Finish those first (./looplab check {}),\n"
                   "or let ./looplab heal {} --yes fill their unsolved regions from the reference.\n",
                   fmt::format("{:02}", number), fmt::join(unfinished_earlier, ", "),
                   std::stoi(unfinished_earlier.front()), number - 1);
    }
    if (std::getenv("LOOPLAB_WATCH")) {
        fmt::print("\nFix the first failure above and save: watch runs the tests again.\n");
    } else {
        fmt::print("\nFix the first failure above, then run ./looplab check {} again.\n", number);
    }
    fmt::print("Stuck? ./looplab hint {} gives hints; ./looplab diff {} compares your regions with the reference.\n",
               number, number);
    return 1;
}

int cmd_grade(const KitPaths& paths, const std::string& json_path, int through, const std::string& variant) {
    Manifest manifest = load_manifest(paths.manifest());
    // The marker is about the student's loop; the kit's other variants built, or ./looplab stopped.
    const std::optional<std::string> errors = variant == "yours" ? compile_errors(paths) : std::nullopt;
    std::vector<std::pair<const Lab*, SuiteResult>> results;
    int passed = 0, total = 0;
    for (const Lab& lab : manifest.labs) {
        if (through > 0 && lab.number > through) continue;  // not assigned yet
        auto binary = lab.tests.find(variant);
        SuiteResult suite;
        if (errors) {
            suite = not_compiled(lab, manifest, *errors);  // never the older build's programs
        } else if (binary == lab.tests.end() || !fs::exists(binary->second)) {
            suite.error = "your loop did not compile, so these tests could not run";
        } else {
            suite = run_suite(binary->second, runner_options(manifest.test_timeout));
        }
        std::string why = suite.error.empty() ? "" : " (" + suite.error + ")";
        if (errors && suite.error.empty()) why = " (not run: your loop does not compile)";
        fmt::print("{}: {}/{} passed{}\n", lab.label(), suite.passed(), suite.total(), why);
        passed += suite.passed();
        total += suite.total();
        results.emplace_back(&lab, std::move(suite));
    }
    fmt::print("grade: {} of {} tests pass\n", passed, total);
    if (!json_path.empty()) {
        fs::path out(json_path);
        if (out.has_parent_path()) fs::create_directories(out.parent_path());
        std::string preface;
        if (errors) preface = "Your loop does not compile, so no test could run. The compiler's first errors:\n" + *errors;
        std::ofstream(out) << gradescope_results(results, preface).dump(2) << "\n";
        fmt::print("Gradescope results written to {}\n", json_path);
    }
    return 0;
}

int cmd_watch(const KitPaths& paths, std::optional<int> lab) {
    int number = lab ? *lab : current_lab(paths);
    // LOOPLAB_WATCH tells check it runs under watch, so it says "save" rather than "run again".
    const std::string command = fmt::format("LOOPLAB_WATCH=1 \"{}\" check {}", (paths.root / "looplab").string(), number);
    auto snapshot = [&] {
        std::map<std::string, fs::file_time_type> times;
        for (const auto& entry : fs::recursive_directory_iterator(paths.root / "labs")) {
            if (entry.is_regular_file()) times[entry.path().string()] = entry.last_write_time();
        }
        return times;
    };
    auto seen = snapshot();
    while (true) {
        int status = std::system(command.c_str());
        (void)status;  // check prints its own verdict; watch carries on either way
        fmt::print("\nwatching labs/ for changes to run check {} again (Ctrl-C to stop) ...\n", number);
        std::fflush(stdout);
        while (snapshot() == seen) std::this_thread::sleep_for(std::chrono::milliseconds(500));
        seen = snapshot();
    }
}

}  // namespace looplab::kit
