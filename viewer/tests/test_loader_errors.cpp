// Bad input: every broken file gives one sentence naming the file, never a crash or a throw.
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "lints.hpp"
#include "loop_state.hpp"
#include "viewer_test_helpers.hpp"

using namespace viewer_test;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = VIEWER_TEST_DATA;

std::string load_file_error(const fs::path& path) {
    LoadResult result = load_trace_file(path);
    if (std::holds_alternative<Trace>(result)) FAIL("loaded, but should not have: " << path);
    return std::get<LoadError>(result).message;
}

// A scratch folder of its own under the system's temporary folder, removed at the end.
struct ScratchDir {
    fs::path path = fs::temp_directory_path() / ("looplab_viewer_tests_" + std::to_string(::getpid()));
    ScratchDir() { fs::create_directories(path); }
    ~ScratchDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

}  // namespace

TEST_CASE("Broken documents are refused with a sentence a student understands", "[viewer]") {
    SECTION("an empty file") { CHECK(load_error("", "lab06.json") == "lab06.json: the file is empty."); }
    SECTION("whitespace only") { CHECK_THAT(load_error(" \n\t ", "lab06.json"), Catch::StartsWith("lab06.json: the file is empty")); }
    SECTION("a trace cut off in the middle of an event") {
        const std::string text = R"({"traceEvents":[{"ph":"X","ts":1,"dur":2},{"ph":"X","ts":)";
        CHECK(load_error(text, "lab06.json") ==
              "lab06.json: the JSON ends early at byte " + std::to_string(text.size()) + " of " + std::to_string(text.size()) +
                  ". Was the file truncated (did the program crash before writing it all)?");
    }
    SECTION("a trace cut off inside a string") {
        CHECK_THAT(load_error(R"({"traceEvents":[{"ph":"X","name":"ha)"), Catch::Contains("Was the file truncated"));
    }
    SECTION("text that is not JSON") {
        CHECK(load_error("Hello from the loop\n", "out.txt") ==
              "out.txt: this is not a trace: a trace starts with '{' or '[', but this file starts with 'H'.");
    }
    SECTION("JSON of the wrong shape") {
        const std::string expected =
            "x.json: this is JSON, but not a trace: expected an object with a \"traceEvents\" array, or an array of events.";
        CHECK(load_error("42", "x.json") == expected);
        CHECK(load_error(R"({"events":[]})", "x.json") == expected);
        CHECK(load_error(R"({"traceEvents":{"ph":"X"}})", "x.json") == expected);
        CHECK(load_error("null", "x.json") == expected);
    }
    SECTION("a missing comma names the byte") {
        CHECK_THAT(load_error(R"({"traceEvents":[{"ph":"X","ts":1 "dur":1}]})"), Catch::Contains("this is not valid JSON"));
    }
    SECTION("text after the end of the trace") {
        CHECK_THAT(load_error(R"([{"ph":"X","ts":1,"name":"a"}] and more)"), Catch::Contains("more text after the end"));
    }
    SECTION("nesting deeper than the parser's limit") {
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        CHECK_THAT(load_error(deep), Catch::Contains("nests deeper than"));
    }
    SECTION("bytes that are not UTF-8 text") {
        CHECK_THAT(load_error("[{\"ph\":\"X\",\"name\":\"caf\xe9\"}]"), Catch::Contains("not valid UTF-8"));
    }
}

TEST_CASE("A trace with no drawable event is an error", "[viewer]") {
    SECTION("an empty list") { CHECK(load_error(R"({"traceEvents":[]})") == "test.json: no events to show: the list of events is empty."); }
    SECTION("only metadata") {
        CHECK_THAT(load_error(trace_of(thread_name(1, "loop"))), Catch::StartsWith("test.json: no events to show"));
    }
    SECTION("only unusable events say why") {
        CHECK_THAT(load_error(R"([{"ph":"X","ts":"soon"},{"ph":"X"}])"),
                   Catch::Contains("2 events without a numeric ts were skipped"));
    }
}

TEST_CASE("Odd but valid input loads, with the bad parts skipped", "[viewer]") {
    SECTION("huge numbers are skipped, not turned into infinite traces") {
        const Trace trace = load(R"([{"ph":"X","ts":1e999,"dur":1,"name":"a","pid":1,"tid":1},
                                     {"ph":"X","ts":1e300,"dur":1,"name":"b","pid":1,"tid":1},
                                     {"ph":"X","ts":10,"dur":5,"name":"ok","pid":1,"tid":1}])");
        CHECK(trace.end == 5);
        CHECK(trace.stats.skipped == 2);
    }
    SECTION("a negative dur is drawn with no width") {
        const Trace trace = load(R"([{"ph":"X","ts":10,"dur":-5,"name":"a","pid":1,"tid":1}])");
        CHECK(trace.lanes[0].spans[0].duration() == 0);
        CHECK_THAT(trace.stats.warnings.at(0), Catch::Contains("negative dur"));
    }
    SECTION("a byte order mark is ignored") { CHECK(load("\xEF\xBB\xBF[{\"ph\":\"X\",\"ts\":1,\"name\":\"a\"}]").lanes.size() == 1); }
    SECTION("an f without an s is skipped") {
        const Trace trace = load(trace_of(events(x("callback", "cb", 1, 5), flow('f', "call_soon", 2, 9))));
        CHECK(trace.flows.empty());
        CHECK(trace.stats.skipped == 1);
    }
    SECTION("B events nested past the depth limit are dropped") {
        std::string text = "[";
        for (int i = 0; i < 3000; ++i) text += (i ? "," : "") + std::string(R"({"ph":"B","name":"n","pid":1,"tid":1,"ts":)") + std::to_string(i) + "}";
        const Trace trace = load(text + "]");
        CHECK(trace.lanes[0].max_depth == 1024);
        CHECK(trace.stats.skipped == 3000 - 1024);
    }
}

TEST_CASE("Files that cannot be traces are refused before they are read", "[viewer]") {
    ScratchDir scratch;
    SECTION("a file that does not exist") {
        CHECK_THAT(load_file_error(scratch.path / "nope.json"), Catch::StartsWith("nope.json: there is no such file"));
    }
    SECTION("a folder") { CHECK(load_file_error(scratch.path) == scratch.path.filename().string() + ": this is a folder, not a trace file."); }
    SECTION("a file larger than the limit (sparse: no disk used)") {
        const fs::path big = scratch.path / "big.json";
        std::ofstream(big).put('[');
        fs::resize_file(big, max_trace_bytes + 1);
        CHECK_THAT(load_file_error(big), Catch::StartsWith("big.json: the file is 1.0 GiB, more than the 1 GiB the viewer opens."));
    }
    SECTION("an empty file") {
        std::ofstream(scratch.path / "empty.json").flush();
        CHECK(load_file_error(scratch.path / "empty.json") == "empty.json: the file is empty.");
    }
}

TEST_CASE("Every file of the bad corpus loads or is refused with a message naming it", "[viewer]") {
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(data_dir / "bad")) {
        ++files;
        const std::string name = entry.path().filename().string();
        CAPTURE(name);
        LoadResult result = load_trace_file(entry.path());
        if (const auto* error = std::get_if<LoadError>(&result)) {
            CHECK_THAT(error->message, Catch::StartsWith(name + ": "));
            CHECK(error->message.size() > name.size() + 10);
        } else {
            const Trace& trace = std::get<Trace>(result);
            CHECK(trace.source == name);
            CHECK(!trace.lanes.empty());
        }
    }
    CHECK(files >= 30);
}

TEST_CASE("Every message the model writes is plain ASCII, which the viewer's default font can draw", "[viewer]") {
    std::vector<std::string> messages;
    auto collect = [&](LoadResult result) {
        if (const auto* error = std::get_if<LoadError>(&result)) messages.push_back(error->message);
        else for (const auto& warning : std::get<Trace>(result).stats.warnings) messages.push_back(warning);
    };
    for (const auto& entry : fs::directory_iterator(data_dir / "bad")) collect(load_trace_file(entry.path()));
    collect(parse_trace(R"({"traceEvents":[{"ph":"X","ts":1,"dur":2},{"ph":"X","ts":)"));
    collect(parse_trace(R"([{"ph":"X","ts":0,"name":"a"},{"ph":"X","ts":1e16,"name":"b"},{"ph":"X","ts":1e18,"name":"c"}])"));
    ScratchDir scratch;
    collect(load_trace_file(scratch.path));
    collect(load_trace_file(scratch.path / "nope.json"));

    // The model's own sentences about a trace: loop_doing, task states, lints.
    const Trace trace = load(trace_of(events(
        thread_name(1, "loop"), thread_name(2, "executor-0"), task_event('b', "main", 5, 1), task_event('b', "idle", 5, 2),
        x("iteration", "run_once", 10, 300'000), x("callback", "main", 11, 200'000), x("step", "main", 12, 100, 1, R"({"task":1})"),
        instant("timer", "call_at", 13, R"({"detail":"sleep","delay_us":900000})"), flow('s', "call_at", 14, 1),
        flow('s', "submit", 15, 2), flow('s', "submit", 16, 3), x("executor", "job", 20, 500'000, 2), flow('f', "submit", 20.1, 2, 2),
        x("wait", "wait", 300'020, 600'000), instant("slow", "slow callback", 900'100, R"({"detail":"tick"})"))));
    for (Micros t : {0.0, 11.0, 12.5, 200'100.0, 400'000.0, 950'000.0, 2e6}) {
        const LoopState state = loop_state_at(trace, t);
        messages.push_back(state.loop_doing);
        for (const auto& task : state.tasks) messages.push_back(task.waiting_on);
    }
    for (const Lint& lint : find_lints(trace, LintOptions{1'000, 1'000})) messages.push_back(lint.message);
    for (auto status : {TaskStatus::pending_start, TaskStatus::running, TaskStatus::ready, TaskStatus::suspended, TaskStatus::done})
        messages.emplace_back(task_status_name(status));
    for (auto kind : {LintKind::slow_callback, LintKind::never_resumed, LintKind::executor_saturated})
        messages.emplace_back(lint_kind_name(kind));

    CHECK(messages.size() > 50);
    for (const std::string& message : messages) {
        CAPTURE(message);
        CHECK(std::all_of(message.begin(), message.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
    }
}
