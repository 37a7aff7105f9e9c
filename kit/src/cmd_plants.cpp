// cmd_plants.cpp: `looplab-kit plants` (the build writes the planted copies with it) and the
// plants' part of `./looplab test`: ./looplab check and ./looplab grade, run on each plant as a
// teacher would run them, must finish in bounded time, name every test that met the fault with
// the kind of failure, and still report every other test (which passes: only cancel is broken).
#include <algorithm>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "kit_checks.hpp"
#include "plants.hpp"
#include "process.hpp"
#include "test_runner.hpp"

namespace looplab::kit {

namespace fs = std::filesystem;

int cmd_plants(const std::string& from, const std::string& to, const std::vector<std::string>& names) {
    write_plants(from, to, names);
    return 0;
}

namespace {

// Long enough for a plant's hung tests to time out one after another (a few cases at 5 s, two
// at a time); a command still running after this is itself hung, which is what this tests.
constexpr std::chrono::seconds kCommandLimit{180};
// A flood of output must reach the terminal cut down to a page or two, not megabytes.
constexpr std::size_t kCheckOutputLimit = 64 * 1024;

struct PlantRun {
    RunResult check, grade;
    nlohmann::json results;  // grade's results.json; null when it could not be read
    std::vector<std::string> failing, passing;
};

RunResult run_kit(const KitPaths& paths, std::vector<std::string> args) {
    std::vector<std::string> argv = {(paths.build / "kit" / "looplab-kit").string(), "--root", paths.root.string(),
                                     "--build", paths.build.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.timeout = kCommandLimit;
    options.output_limit = 4 * kCheckOutputLimit;
    return run_process(argv, options);
}

PlantRun run_plant(const KitPaths& paths, const Plant& plant) {
    const std::string variant = fmt::format("plant_{}", plant.name);
    const fs::path json = paths.build / "plants" / plant.name / "results.json";
    fs::remove(json);
    PlantRun run;
    run.check = run_kit(paths, {"check", "1", "--variant", variant});
    run.grade = run_kit(paths, {"grade", "--through", "1", "--variant", variant, "--json", json.string()});
    try {
        run.results = nlohmann::json::parse(read_file(json));
        for (const auto& test : run.results.at("tests")) {
            const std::string name = test.at("name").get<std::string>();
            (test.at("status") == "passed" ? run.passing : run.failing).push_back(name.substr(name.find(": ") + 2));
        }
    } catch (const std::exception&) {
        run.results = nullptr;
    }
    return run;
}

// Everything wrong with what check and grade reported for this plant; empty when all is right.
std::vector<std::string> problems_with(const Plant& plant, const PlantRun& run, std::size_t lab_tests) {
    std::vector<std::string> problems;
    auto finished = [&](const char* command, const RunResult& result, bool zero_exit) {
        if (result.timed_out || result.signal || !result.started() || (zero_exit && result.exit_code != 0)) {
            problems.push_back(fmt::format("{} {}", command, describe(result)));
        }
    };
    finished("check", run.check, plant.body.empty());
    finished("grade", run.grade, true);
    if (run.results.is_null()) {
        problems.push_back("grade wrote no readable results.json");
        return problems;
    }
    if (run.failing.size() + run.passing.size() != lab_tests) {
        problems.push_back(fmt::format("grade reported {} tests; lab 01 has {}", run.failing.size() + run.passing.size(), lab_tests));
    }
    if (plant.body.empty() != run.failing.empty()) {
        problems.push_back(plant.body.empty() ? "tests fail on the control plant" : "no test met the fault");
    }
    if (!plant.body.empty() && run.passing.empty()) problems.push_back("no test passed: the fault hid every other result");
    for (const auto& test : run.results.at("tests")) {
        if (test.at("status") == "passed") continue;
        if (test.value("output", "").find(plant.grade_says) == std::string::npos) {
            problems.push_back(fmt::format("grade's output for '{}' does not say \"{}\"", test.at("name").get<std::string>(), plant.grade_says));
        }
    }
    const std::string& said = run.check.output;
    const std::string tally = fmt::format("{}/{} tests pass on your loop", run.passing.size(), lab_tests);
    if (said.find(tally) == std::string::npos) problems.push_back(fmt::format("check does not say \"{}\"", tally));
    for (const std::string& name : run.failing) {
        if (said.find("✗ " + name) == std::string::npos) problems.push_back(fmt::format("check does not name '{}'", name));
    }
    if (!plant.check_says.empty() && said.find(plant.check_says) == std::string::npos) {
        problems.push_back(fmt::format("check does not say \"{}\"", plant.check_says));
    }
    if (said.size() > kCheckOutputLimit) problems.push_back(fmt::format("check printed {} KB", said.size() / 1024));
    return problems;
}

}  // namespace

void test_plants(const KitPaths& paths, const Manifest& manifest, Tally& tally) {
    const Lab* lab = find_lab(manifest, kPlantedLab);
    if (!lab || !lab->tests.contains("reference")) {
        fmt::print("plants: lab 01's reference tests are not in the build\n");
        return tally.add(false);
    }
    const std::size_t lab_tests = list_cases(lab->tests.at("reference"), runner_options(manifest.test_timeout)).names.size();
    for (const Plant& plant : plants()) {
        if (!lab->tests.contains(fmt::format("plant_{}", plant.name))) {
            fmt::print("plants: {} was not built (the build's target `plants` makes them)\n", plant.name);
            tally.add(false);
            continue;
        }
        const PlantRun run = run_plant(paths, plant);
        const std::vector<std::string> problems = problems_with(plant, run, lab_tests);
        fmt::print("plants: {} (Handle::cancel {}): check and grade report {} failing{}, {} passing "
                   "(check {:.1f} s, grade {:.1f} s){}\n",
                   plant.name, plant.fault, run.failing.size(),
                   plant.check_says.empty() ? "" : fmt::format(" with \"{}\"", plant.check_says), run.passing.size(),
                   run.check.elapsed.count() / 1000.0, run.grade.elapsed.count() / 1000.0,
                   problems.empty() ? "" : ": WRONG");
        for (const std::string& problem : problems) fmt::print("  {}\n", problem);
        if (!problems.empty()) fmt::print("  check printed:\n{}\n", run.check.output.substr(0, 4000));
        tally.add(problems.empty());
    }
}

}  // namespace looplab::kit
