// cmd_viewer.cpp: the commands that open the timeline viewer (run, view) and the viewer's part of
// `./looplab test`. The viewer itself is viewer/app; this file only finds it, gives it a display
// (xvfb-run when there is none and it only needs to render a file), and says what to do when it
// cannot.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "kit_checks.hpp"
#include "process.hpp"
#include "test_runner.hpp"

namespace looplab::kit {
namespace {

namespace fs = std::filesystem;

bool has_display() {
    return std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr;
}

bool renders_to_file(const std::vector<std::string>& args) {
    for (const std::string& arg : args) {
        for (const char* option : {"--screenshot", "--bench"}) {
            if (arg == option || arg.rfind(std::string(option) + "=", 0) == 0) return true;
        }
        if (arg == "--help" || arg == "-h") return true;
    }
    return false;
}

void explain_no_display(const std::string& screenshot_command) {
    fmt::print(stderr,
               "No display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the viewer cannot open a window.\n"
               "Save a picture of the timeline instead:   {}\n", screenshot_command);
}

// The command line that runs the viewer here: through xvfb-run when there is no display and the
// viewer only renders to a file. Empty (after saying why) when it cannot run.
std::vector<std::string> viewer_command(const Manifest& manifest, const std::vector<std::string>& args) {
    if (manifest.viewer.empty() || !fs::exists(manifest.viewer)) {
        fmt::print(stderr, "This build has no viewer: it needs LOOPLAB_VIEWER_APP=ON and the reference variant in\n"
                           "LOOPLAB_VARIANTS (./looplab configures both; a hand-made build may lack them).\n");
        return {};
    }
    std::vector<std::string> argv{manifest.viewer.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    if (has_display()) return argv;
    if (!renders_to_file(args)) {
        explain_no_display("./looplab run --screenshot timeline.png");
        return {};
    }
    auto xvfb = find_program("xvfb-run");
    if (!xvfb) {
        fmt::print(stderr, "No display here, and xvfb-run is missing: install the package xvfb (./looplab installs it).\n");
        return {};
    }
    argv.insert(argv.begin(), {xvfb->string(), "-a"});
    return argv;
}

int run_viewer(const Manifest& manifest, const std::vector<std::string>& args) {
    std::vector<std::string> argv = viewer_command(manifest, args);
    if (argv.empty()) return 1;
    std::fflush(stdout);  // what we printed comes before what the viewer prints
    std::string error;
    int code = run_attached(argv, error);
    if (code < 0) fmt::print(stderr, "looplab: {}\n", error);
    return code < 0 ? 1 : code;
}

// A demo's traces: labNN-<variant>.json and, for the seed scenario, its -blocking sibling,
// which goes first (the stall above the cure, as in the built-in demo).
std::vector<fs::path> demo_traces(const fs::path& trace) {
    const fs::path blocking = trace.parent_path() / (trace.stem().string() + "-blocking.json");
    if (fs::exists(blocking)) return {blocking, trace};
    return {trace};
}

}  // namespace

// Runs the viewer with its output captured, as the kit check does.
RunResult run_viewer_captured(const Manifest& manifest, const std::vector<std::string>& args, std::chrono::seconds timeout) {
    std::vector<std::string> argv = viewer_command(manifest, args);
    if (argv.empty()) {
        RunResult not_run;
        not_run.error = "the viewer cannot run here (see above)";
        return not_run;
    }
    RunOptions options;
    options.timeout = timeout;
    return run_process(argv, options);
}

namespace {

// "your loop, the blocking call on the loop (lab06-yours-blocking.json)" for the seed scenario's
// pair, "the reference loop: lab01-reference.json" otherwise. The variant "python" is CPython's
// run of the seed scenario (python/seed_scenario.py).
std::string trace_title(const std::string& variant, const fs::path& file, bool seed_pair) {
    const std::string whose = variant == "yours" ? "your loop" : variant == "python" ? "CPython asyncio" : "the reference loop";
    const std::string name = file.filename().string();
    if (!seed_pair) return fmt::format("{}: {}", whose, name);
    const bool blocking = file.stem().string().ends_with("-blocking");
    return fmt::format("{}, {} ({})", whose, blocking ? "the blocking call on the loop" : "the call through run_in_executor", name);
}

// Adds a demo's traces (see demo_traces) and their titles, for the viewer's command line.
void add_demo_traces(const fs::path& trace, const std::string& variant, std::vector<std::string>& files,
                     std::vector<std::string>& titles) {
    const std::vector<fs::path> traces = demo_traces(trace);
    for (const fs::path& file : traces) {
        files.push_back(file.string());
        titles.push_back(trace_title(variant, file, traces.size() > 1));
    }
}

// The viewer's arguments: the trace files, --title with one title each, then `rest`.
std::vector<std::string> traces_args(const std::vector<std::string>& files, const std::vector<std::string>& titles,
                                     const std::vector<std::string>& rest) {
    std::vector<std::string> args = files;
    args.push_back("--title");
    args.insert(args.end(), titles.begin(), titles.end());
    args.insert(args.end(), rest.begin(), rest.end());
    return args;
}

// `view 6 --python`: CPython's run of the seed scenario, below the C++ runs. Optional: without
// python3, or when the script fails, the viewer opens the C++ traces alone.
void add_python_traces(const KitPaths& paths, std::vector<std::string>& files, std::vector<std::string>& titles) {
    auto trace = run_python_scenario(paths, true);
    if (!trace) {
        fmt::print("The viewer shows the C++ traces alone.\n");
        return;
    }
    add_demo_traces(*trace, "python", files, titles);
}

// The viewer check: the model's tests, a rendering of the built-in demo without a display, and
// a broken trace refused with a message (not a crash).
void test_viewer_screenshot(const KitPaths& paths, const Manifest& manifest, Tally& tally) {
    const fs::path png = paths.build / "viewer-check.png";
    fs::remove(png);
    RunResult result = run_viewer_captured(manifest, {"--screenshot", png.string(), "--frames", "3"}, std::chrono::seconds(60));
    const bool ok = result.exited_cleanly() && fs::exists(png) && fs::file_size(png) > 20'000;
    fmt::print("viewer: headless screenshot of the built-in demo {}\n",
               ok ? fmt::format("written ({} KB)", fs::file_size(png) / 1024) : "FAILED: " + describe(result));
    if (!ok) fmt::print("{}", result.output);
    tally.add(ok);
}

void test_viewer_bad_file(const KitPaths& paths, const Manifest& manifest, Tally& tally) {
    const fs::path bad = paths.root / "viewer" / "tests" / "data" / "bad" / "truncated.json";
    RunResult result = run_viewer_captured(manifest, {"--screenshot", (paths.build / "viewer-bad.png").string(), "--frames", "1", bad.string()},
                                           std::chrono::seconds(30));
    const bool ok = result.started() && !result.signal && !result.timed_out && result.exit_code == 1 &&
                    result.output.find("truncated.json") != std::string::npos;
    fmt::print("viewer: a truncated trace {}\n", ok ? "is refused with a message, not a crash" : "was NOT refused cleanly: " + describe(result));
    if (!ok) fmt::print("{}", result.output);
    tally.add(ok);
}

}  // namespace

void test_viewer(const KitPaths& paths, const Manifest& manifest, Tally& tally) {
    if (manifest.viewer_tests.empty()) {
        fmt::print("viewer: not in this build\n");
        return tally.add(false);
    }
    SuiteResult suite = run_suite(manifest.viewer_tests, runner_options(manifest.test_timeout));
    fmt::print("viewer: {}/{} viewer tests passed{}\n", suite.passed(), suite.total(), suite.error.empty() ? "" : " (" + suite.error + ")");
    for (const auto& c : suite.cases) {
        if (c.outcome != Outcome::passed) fmt::print("  FAILED viewer: {} ({})\n{}\n", c.name, c.describe_failure, paths.relative(c.details));
    }
    tally.add(suite.error.empty() && suite.total() > 0 && suite.passed() == suite.total(), std::max(suite.total(), 1));
    test_viewer_screenshot(paths, manifest, tally);
    test_viewer_bad_file(paths, manifest, tally);
}

int cmd_run(const KitPaths& paths, const std::vector<std::string>& args) {
    return run_viewer(load_manifest(paths.manifest()), args);
}

namespace {

// Renders one picture into assets/ with the viewer; false (after saying why) when it failed.
bool render_asset(const KitPaths& paths, const Manifest& manifest, const std::string& file, std::vector<std::string> args) {
    args.insert(args.begin(), {"--screenshot", (paths.root / "assets" / file).string()});
    RunResult result = run_viewer_captured(manifest, args, std::chrono::seconds(120));
    fmt::print("assets/{}: {}\n", file, result.exited_cleanly() ? "rendered" : "FAILED: " + describe(result));
    if (!result.exited_cleanly()) fmt::print("{}", result.output);
    return result.exited_cleanly();
}

// assets/viewer-cpython-beside-cpp.png: the seed scenario's call through run_in_executor on the
// reference loop (above) and on CPython's asyncio loop (below, python/seed_scenario.py).
bool render_cpython_beside_cpp(const KitPaths& paths, const Manifest& manifest) {
    const std::string file = "viewer-cpython-beside-cpp.png";
    const Lab* lab = find_lab(manifest, 6);
    auto cpp = lab ? run_demo(paths, *lab, "reference", false) : std::nullopt;
    auto python = run_python_scenario(paths, false);
    if (!cpp || !python) {
        fmt::print("assets/{}: FAILED: it needs lab 06's demo on the reference and python3 (see above)\n", file);
        return false;
    }
    return render_asset(paths, manifest, file,
                        traces_args({cpp->string(), python->string()},
                                    {trace_title("reference", *cpp, true), trace_title("python", *python, true)}, {}));
}

// Sample traces small enough to ship go to assets/traces/, for opening in the viewer or Perfetto
// without building a loop. (Lab 09's load run, over a megabyte, is left out.)
constexpr std::uintmax_t kSampleTraceLimit = 256 * 1024;

void keep_sample_trace(const KitPaths& paths, const fs::path& trace) {
    const fs::path sample = paths.root / "assets" / "traces" / trace.filename();
    if (fs::file_size(trace) > kSampleTraceLimit) {
        fs::remove(sample);
        return;
    }
    fs::create_directories(sample.parent_path());
    fs::copy_file(trace, sample, fs::copy_options::overwrite_existing);
    fmt::print("assets/traces/{}: copied\n", sample.filename().string());
}

}  // namespace

// Every picture in assets/ is rendered by the viewer from a command line kept here, so
// `./looplab assets` can always make them again and none is drawn by hand: the built-in demo's
// two, then one per lab (assets/labNN-<slug>.png, its demo's trace on the reference loop, the
// picture of the lab's TUTORIAL chapter), with the traces themselves when they are small.
int cmd_assets(const KitPaths& paths) {
    struct Picture {
        std::string file;
        std::vector<std::string> args;
    };
    const std::vector<Picture> pictures{
        {"viewer-seed-scenario.png", {}},
        {"viewer-saturated-executor.png", {"--calls", "4", "--workers", "2", "--blocking-ms", "300"}},
    };
    Manifest manifest = load_manifest(paths.manifest());
    int failed = 0;
    for (const Picture& picture : pictures) failed += !render_asset(paths, manifest, picture.file, picture.args);
    // Where each lab's picture puts the cursor, so the panels below the timeline show a moment
    // worth reading (the demos' timers make these times the same on every run). Labs 01, 06 and
    // 09 keep the viewer's default: the trace's start, or inside the first executor job.
    const std::map<int, std::string> cursor_ms{{2, "120"}, {3, "75"}, {4, "100"}, {5, "450"}, {7, "60"}, {8, "149"}};
    for (const Lab& lab : manifest.labs) {
        const std::string file = fmt::format("lab{:02}-{}.png", lab.number, lab.slug);
        auto trace = run_demo(paths, lab, "reference", false);
        if (!trace) {
            fmt::print("assets/{}: FAILED: the reference demo wrote no trace\n", file);
            ++failed;
            continue;
        }
        std::vector<std::string> files, titles;
        add_demo_traces(*trace, "reference", files, titles);
        std::vector<std::string> cursor;
        if (auto at = cursor_ms.find(lab.number); at != cursor_ms.end()) cursor = {"--cursor-ms", at->second};
        failed += !render_asset(paths, manifest, file, traces_args(files, titles, cursor));
        for (const std::string& sample : files) keep_sample_trace(paths, sample);
    }
    failed += !render_cpython_beside_cpp(paths, manifest);
    return failed == 0 ? 0 : 1;
}

int cmd_view(const KitPaths& paths, int number, bool reference, bool compare, bool python, const std::vector<std::string>& args) {
    Manifest manifest = load_manifest(paths.manifest());
    const Lab* lab = find_lab(manifest, number);
    if (!lab) {
        fmt::print(stderr, "There is no lab {:02} in this build.\n", number);
        return 1;
    }
    if (python && number != 6) {
        fmt::print(stderr, "--python adds CPython's run of lab 06's seed scenario: ./looplab view 6 --python\n");
        return 1;
    }
    if (!has_display() && !renders_to_file(args)) {
        explain_no_display(fmt::format("./looplab view {} --screenshot lab{:02}.png", number, number));
        return 1;
    }
    std::vector<std::string> variants{reference ? "reference" : "yours"};
    if (compare && !reference) variants.push_back("reference");
    std::vector<std::string> files;
    std::vector<std::string> titles;
    for (const std::string& variant : variants) {
        auto trace = run_demo(paths, *lab, variant, variant == variants.front());
        if (!trace) {
            fmt::print("The viewer needs the demo's trace, so it did not open{}.\n",
                       args.empty() ? "" : " and no picture was saved");
            if (variant == "yours") {
                fmt::print("./looplab status shows which labs to finish first; ./looplab view {} --reference\n"
                           "shows the reference loop's run meanwhile.\n", number);
            }
            return 1;
        }
        add_demo_traces(*trace, variant, files, titles);
    }
    if (python) add_python_traces(paths, files, titles);
    return run_viewer(manifest, traces_args(files, titles, args));
}

}  // namespace looplab::kit
