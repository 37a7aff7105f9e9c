// main.cpp: looplab-kit's command line. ./looplab installs and builds, then runs this with
// --root and --build; each subcommand is one function in commands.hpp.
#include <exception>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"

namespace {

using looplab::kit::KitPaths;

// Adds the lab number argument N, checked to be a lab-like number.
CLI::Option* add_lab(CLI::App* command, int& lab) {
    return command->add_option("N", lab, "the lab number, e.g. 1")->required()->check(CLI::Range(1, 99));
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"looplab-kit: the tool behind ./looplab (run ./looplab --help for the commands)"};
    app.require_subcommand(1);
    KitPaths paths{".", "build/default"};
    app.add_option("--root", paths.root, "the repository");
    app.add_option("--build", paths.build, "the build folder");

    int lab = 0;
    bool yes = false, force = false, reference = false, check_only = false, quiet = false;
    std::optional<int> watch_lab;
    std::string from, to, trace_file;

    auto* test = app.add_subcommand("test", "check the kit: kit tests, every lab on the solution and on a fresh starter");
    bool sanitize = false;
    test->add_flag("--sanitize", sanitize, "instead: the solution's tests under ASan+UBSan, and the thread labs under TSan");
    auto* run = app.add_subcommand("run", "open the viewer on the built-in demo (the seed scenario, live)");
    run->prefix_command();  // everything after `run` goes to looplab-viewer as it is, in order,
    run->set_help_flag();   // --help included: the viewer's own help lists its options
    bool compare = false;
    auto* view = app.add_subcommand("view", "run lab N's demo on your loop and open its trace in the viewer");
    add_lab(view, lab);
    view->add_flag("--reference", reference, "the reference loop's trace instead of yours");
    view->add_flag("--compare", compare, "yours above, the reference's below");
    bool python = false;
    view->add_flag("--python", python, "lab 6 only: also CPython's asyncio running the same scenario, below (needs python3)");
    view->add_option("--screenshot", trace_file, "save a picture of the timeline instead of opening a window");
    std::string font_scale;  // handed to looplab-viewer as it is; the viewer checks the range
    view->add_option("--font-scale", font_scale, "text size for a projector (1 = normal, up to 4)");
    auto* assets = app.add_subcommand("assets", "render every picture in assets/ again with the viewer");
    auto* status = app.add_subcommand("status", "your progress per lab");
    auto* check = app.add_subcommand("check", "run lab N's tests and every earlier lab's on your loop");
    add_lab(check, lab);
    std::string variant = "yours";  // the kit's own check runs check and grade on its planted faults
    check->add_option("--variant", variant, "the build of the loop to test")->group("");
    auto* hint = app.add_subcommand("hint", "lab N's hints and TODO regions");
    add_lab(hint, lab);
    auto* diff = app.add_subcommand("diff", "your regions of lab N beside the reference");
    add_lab(diff, lab);
    auto* heal = app.add_subcommand("heal", "fill the unsolved regions of labs 1..N from the reference");
    add_lab(heal, lab);
    heal->add_flag("--force", force, "also replace regions you have worked on (asks first)");
    heal->add_flag("--yes,-y", yes, "answer yes to the question");
    auto* reset = app.add_subcommand("reset", "put lab N's starter regions back");
    add_lab(reset, lab);
    reset->add_flag("--yes,-y", yes, "answer yes to the question");
    auto* watch = app.add_subcommand("watch", "re-run check whenever a file under labs/ changes");
    watch->add_option("N", watch_lab, "the lab (default: the first one with unsolved regions)")->check(CLI::Range(1, 99));
    auto* demo = app.add_subcommand("demo", "run lab N's demo on your loop and write its trace");
    add_lab(demo, lab);
    demo->add_flag("--reference", reference, "run it on the reference loop instead");
    std::string grade_json;
    auto* grade = app.add_subcommand("grade", "run every lab's tests on the student's loop, for a grade");
    grade->add_option("--json", grade_json, "also write Gradescope's results.json here");
    int through = 0;
    grade->add_option("--through", through, "only labs 01..N (the labs assigned so far)")->check(CLI::Range(1, 99));
    grade->add_option("--variant", variant, "the build of the loop to test")->group("");
    bool quick_bench = false;
    int bench_repeat = 0;
    auto* bench = app.add_subcommand("bench", "the reference loop against Asio, CPython asyncio and uvloop (release build)");
    bench->add_flag("--quick", quick_bench, "tiny sizes, run once: a smoke test");
    bench->add_option("--repeat", bench_repeat, "runs of each workload; the median is reported (default 5)")
        ->check(CLI::Range(1, 100));
    bool bench_yours = false;
    bench->add_flag("--yours", bench_yours, "also measure your loop (labs/loop), in a column of its own");
    int fuzz_seconds = 300;
    std::string fuzz_target;
    auto* fuzz = app.add_subcommand("fuzz", "run the libFuzzer targets (build/fuzz, clang) for a while each");
    fuzz->add_option("--seconds", fuzz_seconds, "how long each target runs (default 300)")->check(CLI::Range(1, 86400));
    fuzz->add_option("TARGET", fuzz_target, "only this target: trace_loader or request_parser (default: every one)");
    auto* validate = app.add_subcommand("validate-trace", "check a trace file against the schema");
    validate->add_option("FILE", trace_file, "the trace")->required();
    auto* starter = app.add_subcommand("starter", "derive the starter loop from the solution");
    starter->add_option("--from", from, "the solution folder")->required();
    starter->add_option("--to", to, "where the starter goes")->required();
    starter->add_flag("--check", check_only, "write nothing; fail if --to differs from a fresh starter");
    starter->add_flag("--quiet", quiet, "print nothing when all is well");
    auto* plants = app.add_subcommand("plants", "write the planted faults the kit tests the grader with");
    plants->add_option("--from", from, "the solution folder")->required();
    plants->add_option("--to", to, "where the planted copies go")->required();
    std::vector<std::string> plant_names;
    plants->add_option("NAMES", plant_names, "the plants to write (see kit/src/plants.cpp)")->required();

    CLI11_PARSE(app, argc, argv);

    using namespace looplab::kit;
    try {
        if (*test) {
            if (sanitize) return cmd_test_sanitize(paths, paths.root / "build" / "asan", paths.root / "build" / "tsan");
            return cmd_test(paths);
        }
        if (*run) {
            return cmd_run(paths, run->remaining());
        }
        if (*view) {
            std::vector<std::string> args;
            if (!trace_file.empty()) args = {"--screenshot", trace_file};
            if (!font_scale.empty()) args.insert(args.end(), {"--font-scale", font_scale});
            return cmd_view(paths, lab, reference, compare, python, args);
        }
        if (*assets) return cmd_assets(paths);
        if (*status) return cmd_status(paths);
        if (*check) return cmd_check(paths, lab, variant);
        if (*hint) return cmd_hint(paths, lab);
        if (*diff) return cmd_diff(paths, lab);
        if (*heal) return cmd_heal(paths, lab, force, yes);
        if (*reset) return cmd_reset(paths, lab, yes);
        if (*watch) return cmd_watch(paths, watch_lab);
        if (*demo) return cmd_demo(paths, lab, reference);
        if (*grade) return cmd_grade(paths, grade_json, through, variant);
        if (*bench) return cmd_bench(paths, quick_bench, bench_repeat, bench_yours);
        if (*fuzz) return cmd_fuzz(paths, paths.root / "build" / "fuzz", fuzz_seconds, fuzz_target);
        if (*validate) return cmd_validate_trace(trace_file);
        if (*starter) return cmd_starter(from, to, check_only, quiet);
        if (*plants) return cmd_plants(from, to, plant_names);
    } catch (const std::exception& error) {
        fmt::print(stderr, "looplab: {}\n", error.what());
        return 1;
    }
    return 2;
}
