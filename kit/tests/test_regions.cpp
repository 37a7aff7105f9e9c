// test_regions.cpp: parsing, checking and rewriting of the TODO(lab NN) regions in the loop sources.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "looplab_catch.hpp"
#include "regions.hpp"

namespace fs = std::filesystem;
using namespace looplab::kit;

namespace {

// A solved file with a function region and a partial region.
constexpr std::string_view solved_loop = R"(// event_loop.cpp: the loop.
#include "event_loop.hpp"

namespace looplab {

void EventLoop::call_soon(Callback callback) {
    // TODO(lab 01) EventLoop::call_soon: queue the callback to run on the next iteration. See TUTORIAL.md#lab-01
    ready_.push_back(std::move(callback));
    // END TODO(lab 01)
}

void EventLoop::run_once() {
    // TODO(lab 02) timers in run_once: move the due timers to the ready queue.
    while (!timers_.empty() && timers_.top().when <= now()) {
        ready_.push_back(pop_timer());
    }
    // END TODO(lab 02)
    run_ready();
}

}  // namespace looplab
)";

// The same file as a student receives it.
constexpr std::string_view starter_loop = R"(// event_loop.cpp: the loop.
#include "event_loop.hpp"

namespace looplab {

void EventLoop::call_soon(Callback callback) {
    // TODO(lab 01) EventLoop::call_soon: queue the callback to run on the next iteration. See TUTORIAL.md#lab-01
    throw looplab::not_implemented{"lab 01: EventLoop::call_soon"};
    // END TODO(lab 01)
}

void EventLoop::run_once() {
    // TODO(lab 02) timers in run_once: move the due timers to the ready queue.
    // END TODO(lab 02)
    run_ready();
}

}  // namespace looplab
)";

// A solved header with a state region.
constexpr std::string_view solved_header = R"(#pragma once
namespace looplab {
class EventLoop {
    // TODO(lab 01) EventLoop state: the queue of ready callbacks.
    std::deque<Callback> ready_;
    // END TODO(lab 01)
};
}  // namespace looplab
)";

constexpr std::string_view starter_header = R"(#pragma once
namespace looplab {
class EventLoop {
    // TODO(lab 01) EventLoop state: the queue of ready callbacks.
    // END TODO(lab 01)
};
}  // namespace looplab
)";

using Lines = std::vector<std::string>;

// The message of the RegionError that `action` throws, or "" if it throws none.
std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const RegionError& error) {
        return error.what();
    }
    return "";
}

std::string parse_error(std::string_view text) {
    return error_of([&] { parse_source("event_loop.cpp", text, "labs/loop/event_loop.cpp"); });
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string out(text);
    const std::size_t at = out.find(from);
    REQUIRE(at != std::string::npos);
    return out.replace(at, from.size(), to);
}

void write_text(const fs::path& path, std::string_view text) {
    std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A fresh folder under the system temp directory, removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() : path_(fs::temp_directory_path() / fmt::format("looplab-regions-test-{}", std::random_device{}())) {
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // Creates (or fills) the folder `name` with the given files.
    fs::path folder(const std::string& name, const std::map<std::string, std::string_view>& files) const {
        const fs::path dir = path_ / name;
        fs::create_directories(dir);
        for (const auto& [file, text] : files) write_text(dir / file, text);
        return dir;
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// The kit's solution and a student folder that starts from the starter files.
struct Kit {
    TempDir temp;
    fs::path solution = temp.folder("solution", {{"event_loop.cpp", solved_loop}, {"event_loop.hpp", solved_header}});
    fs::path student = temp.folder("student", {{"event_loop.cpp", starter_loop}, {"event_loop.hpp", starter_header}});
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Parsing

TEST_CASE("parse_source reads each region's lab, name, goal, indent, marker lines and body", "[kit][regions]") {
    const SourceFile file = parse_source("event_loop.cpp", solved_loop);
    REQUIRE(file.regions.size() == 2);
    const Region& call_soon = file.regions[0];

    SECTION("The file keeps its name and every line") {
        CHECK(file.name == "event_loop.cpp");
        CHECK(file.lines.size() == 21);
        CHECK(file.final_newline);
    }
    SECTION("A name with '::' is read up to the first ': ', and the rest is the goal") {
        CHECK(call_soon.name == "EventLoop::call_soon");
        CHECK(call_soon.goal == "queue the callback to run on the next iteration. See TUTORIAL.md#lab-01");
    }
    SECTION("The lab number, indent and file come from the opening marker") {
        CHECK(call_soon.lab == 1);
        CHECK(call_soon.indent == "    ");
        CHECK(call_soon.file == "event_loop.cpp");
    }
    SECTION("Marker lines are 1-based and the body is the lines between them") {
        CHECK(call_soon.begin_line == 7);
        CHECK(call_soon.end_line == 9);
        CHECK(call_soon.body == Lines{"    ready_.push_back(std::move(callback));"});
        CHECK(file.regions[1].begin_line == 13);
        CHECK(file.regions[1].body.size() == 3);
    }
    SECTION("A name without '::' names a state or partial region, not a function") {
        CHECK(call_soon.is_function());
        CHECK_FALSE(file.regions[1].is_function());
    }
}

TEST_CASE("Rendering a parsed file gives back its text", "[kit][regions]") {
    SECTION("A file ending with a newline round-trips byte for byte") {
        CHECK(render(parse_source("event_loop.cpp", solved_loop)) == solved_loop);
    }
    SECTION("A file without a final newline stays without one") {
        const std::string text = "int x;\n// TODO(lab 03) stuff: do it.\n// END TODO(lab 03)";
        CHECK(render(parse_source("a.cpp", text)) == text);
    }
    SECTION("An empty file stays empty") {
        CHECK(render(parse_source("a.cpp", "")).empty());
    }
    SECTION("Windows line endings are accepted and written back as \\n") {
        const SourceFile file = parse_source("a.cpp", "int x;\r\n// TODO(lab 03) stuff: do it.\r\nx = 1;\r\n// END TODO(lab 03)\r\n");
        REQUIRE(file.regions.size() == 1);
        CHECK(file.regions[0].body == Lines{"x = 1;"});
        CHECK(render(file) == "int x;\n// TODO(lab 03) stuff: do it.\nx = 1;\n// END TODO(lab 03)\n");
    }
}

TEST_CASE("Broken region markers are reported with file, line and what to do", "[kit][regions]") {
    SECTION("A region that is never closed") {
        CHECK(parse_error("void f() {\n    // TODO(lab 01) EventLoop::call_soon: queue it.\n    x();\n}\n") ==
              "labs/loop/event_loop.cpp:2: region 'EventLoop::call_soon' (lab 01) is never closed: "
              "add \"// END TODO(lab 01)\" after its body");
    }
    SECTION("An END TODO without a TODO above it") {
        CHECK(parse_error("int x;\n// END TODO(lab 02)\n") ==
              "labs/loop/event_loop.cpp:2: \"// END TODO(lab 02)\" has no \"// TODO(lab 02) ...\" line above it: "
              "remove it, or put back the TODO line that opened the region");
    }
    SECTION("An END TODO whose lab differs from its TODO's") {
        CHECK(parse_error("// TODO(lab 01) EventLoop state: the queue.\n// END TODO(lab 02)\n") ==
              "labs/loop/event_loop.cpp:2: \"// END TODO(lab 02)\" closes region 'EventLoop state', which was "
              "opened as lab 01 at line 1: change it to \"// END TODO(lab 01)\"");
    }
    SECTION("A TODO inside another region") {
        CHECK(parse_error("// TODO(lab 01) first: a.\n// TODO(lab 02) second: b.\n// END TODO(lab 02)\n") ==
              "labs/loop/event_loop.cpp:2: region 'second' starts inside region 'first' (lab 01, opened at line 1): "
              "regions cannot nest, so close 'first' with \"// END TODO(lab 01)\" before this line");
    }
    SECTION("Two regions with the same name in one file") {
        CHECK(parse_error("// TODO(lab 01) same: a.\n// END TODO(lab 01)\n// TODO(lab 02) same: b.\n// END TODO(lab 02)\n") ==
              "labs/loop/event_loop.cpp:3: region 'same' is defined twice (first at line 1): region names must be "
              "unique in the loop folder, so rename one of them");
    }
    SECTION("A TODO marker with a one-digit lab number") {
        CHECK(parse_error("int x;\n// TODO(lab 1) EventLoop::call_soon: queue it.\n") ==
              "labs/loop/event_loop.cpp:2: this looks like the start of a region but is not one: write it alone on "
              "its line as \"// TODO(lab NN) Name: what to do\", with a two-digit lab number, then the region's "
              "name, a colon and a space, then the goal");
    }
    SECTION("A TODO marker without a goal") {
        CHECK(contains(parse_error("// TODO(lab 01) EventLoop::call_soon\n"), "event_loop.cpp:1: this looks like the start"));
    }
    SECTION("A TODO marker after code on the same line") {
        CHECK(contains(parse_error("x(); // TODO(lab 01) f: g.\n"), "event_loop.cpp:1: this looks like the start"));
    }
    SECTION("An END TODO marker that does not match the format") {
        CHECK(parse_error("// TODO(lab 01) f: g.\n// END TODO lab 01\n") ==
              "labs/loop/event_loop.cpp:2: this looks like the end of a region but is not one: write it alone on "
              "its line as \"// END TODO(lab NN)\", with a two-digit lab number");
    }
    SECTION("Without a display path, errors name the file as given") {
        CHECK(contains(error_of([] { parse_source("a.cpp", "// END TODO(lab 01)\n"); }), "a.cpp:1: "));
    }
}

TEST_CASE("parse_folder reads the *.hpp and *.cpp files of a folder in name order", "[kit][regions]") {
    TempDir temp;

    SECTION("Other files are ignored and the rest are sorted by name") {
        const fs::path dir = temp.folder("loop", {{"b.cpp", solved_loop}, {"a.hpp", solved_header}, {"notes.md", "x"}});
        const std::vector<SourceFile> files = parse_folder(dir);
        REQUIRE(files.size() == 2);
        CHECK(files[0].name == "a.hpp");
        CHECK(files[1].name == "b.cpp");
        CHECK(find_region(files, "timers in run_once")->file == "b.cpp");
    }
    SECTION("Errors name the file as the folder given joined with the file name") {
        const fs::path dir = temp.folder("loop", {{"bad.cpp", "\n// END TODO(lab 01)\n"}});
        CHECK(error_of([&] { parse_folder(dir); }) ==
              (dir / "bad.cpp").string() + ":2: \"// END TODO(lab 01)\" has no \"// TODO(lab 01) ...\" line above it: "
                                           "remove it, or put back the TODO line that opened the region");
    }
    SECTION("A region name used in two files is an error naming both places") {
        const fs::path dir = temp.folder("loop", {{"a.cpp", solved_loop}, {"b.cpp", solved_loop}});
        CHECK(error_of([&] { parse_folder(dir); }) ==
              (dir / "b.cpp").string() + ":7: region 'EventLoop::call_soon' is defined twice (first at " +
                  (dir / "a.cpp").string() +
                  ":7): region names must be unique in the loop folder, so rename one of them");
    }
}

// ---------------------------------------------------------------------------------------------
// Starter bodies and rewriting

TEST_CASE("A function region's starter body throws not_implemented naming the lab and the function",
          "[kit][regions]") {
    const SourceFile file = parse_source("event_loop.cpp", solved_loop);
    CHECK(file.regions[0].starter_body() ==
          Lines{R"(    throw looplab::not_implemented{"lab 01: EventLoop::call_soon"};)"});
}

TEST_CASE("A state or partial region's starter body is empty", "[kit][regions]") {
    CHECK(parse_source("event_loop.cpp", solved_loop).regions[1].starter_body().empty());
    CHECK(parse_source("event_loop.hpp", solved_header).regions[0].starter_body().empty());
}

TEST_CASE("starter_text replaces every region body by its starter body and keeps everything else",
          "[kit][regions]") {
    CHECK(starter_text(parse_source("event_loop.cpp", solved_loop)) == starter_loop);
    CHECK(starter_text(parse_source("event_loop.hpp", solved_header)) == starter_header);
}

TEST_CASE("with_body replaces one region's body and renumbers the regions after it", "[kit][regions]") {
    const SourceFile file = parse_source("event_loop.cpp", solved_loop);
    const SourceFile changed = with_body(file, "EventLoop::call_soon", {"    a();", "    b();", "    c();"});

    SECTION("The region gets the new body, in its lines too") {
        CHECK(changed.regions[0].body == Lines{"    a();", "    b();", "    c();"});
        CHECK(changed.lines[9] == "    c();");
    }
    SECTION("Its own END marker and the later region move down by the added lines") {
        CHECK(changed.regions[0].end_line == 11);
        CHECK(changed.regions[1].begin_line == 15);
        CHECK(changed.regions[1].end_line == 19);
    }
    SECTION("The result parses back to the same regions") {
        const SourceFile reparsed = parse_source("event_loop.cpp", render(changed));
        CHECK(reparsed.regions[1].begin_line == changed.regions[1].begin_line);
        CHECK(reparsed.regions[0].body == changed.regions[0].body);
    }
    SECTION("An unknown region name is an error") {
        CHECK(error_of([&] { with_body(file, "nope", {}); }) ==
              "event_loop.cpp: there is no region named 'nope' in this file");
    }
}

TEST_CASE("is_unsolved tells whether a region still holds its starter body", "[kit][regions]") {
    const Region call_soon = parse_source("event_loop.cpp", starter_loop).regions[0];
    const Region timers = parse_source("event_loop.cpp", starter_loop).regions[1];

    SECTION("A starter body is unsolved") {
        CHECK(is_unsolved(call_soon));
        CHECK(is_unsolved(timers));
    }
    SECTION("Whitespace changes and blank lines around the starter body do not count as work") {
        Region edited = call_soon;
        edited.body = {"", R"(  throw   looplab::not_implemented{"lab 01: EventLoop::call_soon"};  )", "   "};
        CHECK(is_unsolved(edited));
    }
    SECTION("A region with an empty starter body is unsolved while it holds only blank lines") {
        Region edited = timers;
        edited.body = {"", "    ", "\t"};
        CHECK(is_unsolved(edited));
    }
    SECTION("Any other body is solved, even an emptied function body") {
        Region edited = call_soon;
        edited.body = {"    ready_.push_back(std::move(callback));"};
        CHECK_FALSE(is_unsolved(edited));
        edited.body = {};
        CHECK_FALSE(is_unsolved(edited));
    }
}

TEST_CASE("write_starter writes the starter files and rewrites only what changed", "[kit][regions]") {
    Kit kit;
    const fs::path out = kit.temp.path() / "starter";

    SECTION("The first run writes every file, as starter text") {
        CHECK(write_starter(kit.solution, out) == 2);
        CHECK(read_text(out / "event_loop.cpp") == starter_loop);
        CHECK(read_text(out / "event_loop.hpp") == starter_header);
    }
    SECTION("A second run writes nothing and leaves the files' timestamps alone") {
        write_starter(kit.solution, out);
        const auto old_time = fs::last_write_time(out / "event_loop.cpp") - std::chrono::hours(1);
        fs::last_write_time(out / "event_loop.cpp", old_time);
        CHECK(write_starter(kit.solution, out) == 0);
        CHECK(fs::last_write_time(out / "event_loop.cpp") == old_time);
    }
    SECTION("Changing one solution file rewrites only that starter file") {
        write_starter(kit.solution, out);
        write_text(kit.solution / "event_loop.hpp", replaced(solved_header, "#pragma once", "#pragma once // x"));
        CHECK(write_starter(kit.solution, out) == 1);
        CHECK(contains(read_text(out / "event_loop.hpp"), "// x"));
    }
    SECTION("Sources the solution no longer has are removed; other files are left alone") {
        kit.temp.folder("starter", {{"old.cpp", "int x;\n"}, {"README.md", "hi\n"}});
        write_starter(kit.solution, out);
        CHECK_FALSE(fs::exists(out / "old.cpp"));
        CHECK(fs::exists(out / "README.md"));
    }
}

// ---------------------------------------------------------------------------------------------
// Drift

TEST_CASE("find_drift reports changes a student made outside the regions", "[kit][regions]") {
    Kit kit;
    const auto student_file = [&](std::string_view text) { write_text(kit.student / "event_loop.cpp", text); };
    const auto where = (kit.student / "event_loop.cpp").string();

    SECTION("A fresh starter folder has no drift") {
        CHECK(find_drift(kit.student, kit.solution).empty());
    }
    SECTION("Work inside the regions is not drift") {
        student_file(replaced(starter_loop, "    // END TODO(lab 02)", "    step();\n\n    more();\n    // END TODO(lab 02)"));
        CHECK(find_drift(kit.student, kit.solution).empty());
    }
    SECTION("Trailing whitespace and Windows line endings are not drift") {
        std::string text = replaced(starter_loop, "    run_ready();", "    run_ready();   ");
        text = std::regex_replace(text, std::regex("\n"), "\r\n");
        student_file(text);
        CHECK(find_drift(kit.student, kit.solution).empty());
    }
    SECTION("A changed line outside the regions is reported once, with both versions") {
        student_file(replaced(starter_loop, "    run_ready();", "    run_ready(); // done"));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].file == where);
        CHECK(drift[0].line == 15);
        CHECK(drift[0].message ==
              where + ":15: this line differs from the kit's version outside any TODO region (kit has: "
                      "\"    run_ready();\"; yours: \"    run_ready(); // done\"). Only edit between a TODO(lab NN) "
                      "line and its END TODO line.");
    }
    SECTION("Only the first difference in a file is reported") {
        std::string text = replaced(starter_loop, "namespace looplab {", "namespace other {");
        student_file(replaced(text, "    run_ready();", "    run_ready(); // done"));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].line == 4);
    }
    SECTION("A line added outside the regions") {
        student_file(replaced(starter_loop, "    run_ready();", "    run_ready();\n    log();"));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].line == 16);
        CHECK(contains(drift[0].message, "this line is not in the kit's version and is outside any TODO region"));
    }
    SECTION("A line deleted outside the regions") {
        student_file(replaced(starter_loop, "    run_ready();\n", ""));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].line == 15);
        CHECK(contains(drift[0].message, "a line of the kit's version is missing here"));
        CHECK(contains(drift[0].message, "(kit has: \"    run_ready();\")"));
    }
    SECTION("An edited TODO line") {
        student_file(replaced(starter_loop, "timers in run_once: move", "timers in run_once: I moved"));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].line == 13);
        CHECK(contains(drift[0].message, "this line differs from the kit's version"));
    }
    SECTION("A missing region names the region and the marker lines to put back") {
        student_file(replaced(starter_loop,
                              "    // TODO(lab 02) timers in run_once: move the due timers to the ready queue.\n"
                              "    // END TODO(lab 02)\n",
                              ""));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].message ==
              where + ":10: region 'timers in run_once' (lab 02) is missing (the kit has it at line 13). Put back "
                      "its \"// TODO(lab 02) timers in run_once: move the due timers to the ready queue.\" and "
                      "\"// END TODO(lab 02)\" lines. Only edit between a TODO(lab NN) line and its END TODO line.");
    }
    SECTION("A renamed region shows the kit's TODO line next to the student's") {
        student_file(replaced(starter_loop, "timers in run_once:", "timers:"));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].line == 13);
        CHECK(contains(drift[0].message, "this TODO line differs from the kit's (kit has: \"// TODO(lab 02) timers in "
                                         "run_once: move the due timers to the ready queue.\"; yours: \"// TODO(lab "
                                         "02) timers: move the due timers to the ready queue.\")"));
    }
    SECTION("A region marked with another lab") {
        std::string text = replaced(starter_loop, "// TODO(lab 02)", "// TODO(lab 03)");
        student_file(replaced(text, "// END TODO(lab 02)", "// END TODO(lab 03)"));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(contains(drift[0].message, ":13: region 'timers in run_once' is lab 03 here but lab 02 in the kit"));
    }
    SECTION("Broken markers in the student's file are reported as that file's drift") {
        student_file(replaced(starter_loop, "    // END TODO(lab 02)\n", ""));
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].line == 13);
        CHECK(drift[0].message == where + ":13: region 'timers in run_once' (lab 02) is never closed: add "
                                          "\"// END TODO(lab 02)\" after its body");
    }
    SECTION("A missing file") {
        fs::remove(kit.student / "event_loop.hpp");
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(drift[0].line == 0);
        CHECK(contains(drift[0].message, "event_loop.hpp: this file is missing; the kit has it."));
    }
    SECTION("An extra source file") {
        write_text(kit.student / "mine.cpp", "int x;\n");
        const std::vector<Drift> drift = find_drift(kit.student, kit.solution);
        REQUIRE(drift.size() == 1);
        CHECK(contains(drift[0].message, "mine.cpp: this file is not one of the kit's sources"));
    }
}

// ---------------------------------------------------------------------------------------------
// Heal, reset, backup, write

TEST_CASE("plan_heal picks the unsolved regions up to a lab, and apply_heal fills them from the solution",
          "[kit][regions]") {
    Kit kit;
    const std::vector<SourceFile> solution = parse_folder(kit.solution);

    SECTION("Every unsolved region of the labs up to the one asked, in file order") {
        const auto changes = plan_heal(parse_folder(kit.student), solution, 1);
        REQUIRE(changes.size() == 2);
        CHECK(changes[0].file == "event_loop.cpp");
        CHECK(changes[0].region == "EventLoop::call_soon");
        CHECK(changes[0].lab == 1);
        CHECK(changes[0].line == 7);
        CHECK(changes[1].region == "EventLoop state");
    }
    SECTION("A region the student has worked on is left alone") {
        write_text(kit.student / "event_loop.cpp",
                   replaced(starter_loop, "throw looplab::not_implemented{\"lab 01: EventLoop::call_soon\"};", "mine();"));
        const auto changes = plan_heal(parse_folder(kit.student), solution, 2);
        REQUIRE(changes.size() == 2);
        CHECK(changes[0].region == "timers in run_once");
        CHECK(changes[1].region == "EventLoop state");
    }
    SECTION("Healing every lab turns the starter into the solution") {
        const std::vector<SourceFile> student = parse_folder(kit.student);
        const std::vector<SourceFile> healed = apply_heal(student, solution, plan_heal(student, solution, 99));
        CHECK(render(healed[0]) == solved_loop);
        CHECK(render(healed[1]) == solved_header);
    }
    SECTION("A region missing from the solution cannot be healed") {
        write_text(kit.student / "event_loop.cpp", replaced(starter_loop, "timers in run_once", "timers"));
        CHECK(contains(error_of([&] { plan_heal(parse_folder(kit.student), solution, 2); }),
                       "event_loop.cpp:13: region 'timers' is not in the kit's solution"));
    }
}

TEST_CASE("plan_reset picks one lab's regions that are not starter bodies, and apply_reset restores them",
          "[kit][regions]") {
    Kit kit;
    const std::vector<SourceFile> solved = parse_folder(kit.solution);

    SECTION("Only regions of exactly that lab are picked") {
        const auto changes = plan_reset(solved, 2);
        REQUIRE(changes.size() == 1);
        CHECK(changes[0].region == "timers in run_once");
        CHECK(changes[0].line == 13);
    }
    SECTION("Regions already holding their starter body are skipped") {
        CHECK(plan_reset(parse_folder(kit.student), 1).empty());
    }
    SECTION("Resetting puts the starter body back and leaves other labs alone") {
        const std::vector<SourceFile> reset = apply_reset(solved, plan_reset(solved, 1));
        CHECK(render(reset[1]) == starter_header);
        CHECK(reset[0].regions[0].body == reset[0].regions[0].starter_body());
        CHECK(reset[0].regions[1].body == solved[0].regions[1].body);
    }
}

TEST_CASE("write_files writes back only the files whose text changed", "[kit][regions]") {
    Kit kit;
    const std::vector<SourceFile> student = parse_folder(kit.student);
    const std::vector<SourceFile> healed = apply_heal(student, parse_folder(kit.solution),
                                                      {{"event_loop.hpp", "EventLoop state", 1, 4}});

    SECTION("Only the changed file is written") {
        CHECK(write_files(kit.student, healed) == 1);
        CHECK(read_text(kit.student / "event_loop.hpp") == solved_header);
        CHECK(read_text(kit.student / "event_loop.cpp") == starter_loop);
    }
    SECTION("No temporary file is left behind") {
        write_files(kit.student, healed);
        int entries = 0;
        for ([[maybe_unused]] const auto& entry : fs::directory_iterator(kit.student)) ++entries;
        CHECK(entries == 2);
    }
}

TEST_CASE("backup_folder copies the loop sources into a new time-stamped folder", "[kit][regions]") {
    Kit kit;
    write_text(kit.student / "notes.txt", "not a source\n");
    const fs::path root = kit.temp.path() / "backups";
    const auto now = std::chrono::system_clock::now();
    const fs::path first = backup_folder(kit.student, root, "heal", now);

    SECTION("The folder is named <YYYYmmdd-HHMMSS>-<why> under the backup root") {
        CHECK(first.parent_path() == root);
        CHECK(std::regex_match(first.filename().string(), std::regex(R"(\d{8}-\d{6}-heal)")));
    }
    SECTION("It holds copies of the *.hpp and *.cpp files only") {
        CHECK(read_text(first / "event_loop.cpp") == starter_loop);
        CHECK(read_text(first / "event_loop.hpp") == starter_header);
        CHECK_FALSE(fs::exists(first / "notes.txt"));
    }
    SECTION("A second backup in the same second gets -2, then -3") {
        CHECK(backup_folder(kit.student, root, "heal", now).filename().string() == first.filename().string() + "-2");
        CHECK(backup_folder(kit.student, root, "heal", now).filename().string() == first.filename().string() + "-3");
    }
    SECTION("Characters that do not belong in a folder name are replaced") {
        CHECK(std::regex_match(backup_folder(kit.student, root, "reset lab/3", now).filename().string(),
                               std::regex(R"(\d{8}-\d{6}-reset-lab-3)")));
    }
}
