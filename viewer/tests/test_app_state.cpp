// test_app_state.cpp: the viewer's state outside ImGui (app/app.cpp, app/time_axis.hpp): what is
// shown, where the cursor starts, what a bad file does to the screen, zoom limits, and the way
// times are written for people.
#if LOOPLAB_VIEWER_HAS_SCENARIO

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "app.hpp"
#include "time_axis.hpp"
#include "viewer_test_helpers.hpp"

using namespace viewer_test;

namespace {

const std::string data_dir = VIEWER_TEST_DATA;

// A loop with one callback, and an executor worker running one job from 100 to 300 us.
const char* with_executor_job = R"(
  {"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"loop"}},
  {"ph":"M","name":"thread_name","pid":1,"tid":2,"args":{"name":"executor-0"}},
  {"ph":"X","cat":"iteration","name":"run_once","pid":1,"tid":1,"ts":10,"dur":50},
  {"ph":"X","cat":"callback","name":"A","pid":1,"tid":1,"ts":20,"dur":10},
  {"ph":"X","cat":"executor","name":"run_in_executor","pid":1,"tid":2,"ts":100,"dur":200})";

Shown shown_of(const char* events) {
    return make_shown("test", load(trace_of(events)), LintOptions{});
}

}  // namespace

TEST_CASE("The cursor starts in the middle of the first executor job", "[viewer]") {
    App app;
    std::vector<Shown> traces;
    traces.push_back(shown_of(R"({"ph":"X","cat":"callback","name":"B","pid":1,"tid":1,"ts":0,"dur":5})"));
    traces.push_back(shown_of(with_executor_job));
    app.show(std::move(traces));
    // Times are shifted so the earliest event is 0: the job runs from 90 to 290.
    CHECK(app.cursor == Approx(190));
    CHECK(app.focus == 1);
}

TEST_CASE("Without an executor job the cursor starts at the loop's first iteration", "[viewer]") {
    App app;
    std::vector<Shown> traces;
    traces.push_back(shown_of(R"(
      {"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"loop"}},
      {"ph":"X","cat":"callback","name":"early","pid":1,"tid":1,"ts":0,"dur":5},
      {"ph":"X","cat":"iteration","name":"run_once","pid":1,"tid":1,"ts":40,"dur":20})"));
    app.show(std::move(traces));
    CHECK(app.cursor == Approx(40));
}

TEST_CASE("A file that does not load leaves the screen as it was and says why, naming the file", "[viewer]") {
    App app;
    std::vector<Shown> traces;
    traces.push_back(shown_of(with_executor_job));
    app.show(std::move(traces));
    const std::string bad = data_dir + "/bad/truncated.json";
    CHECK_FALSE(open_traces(app, {bad}));
    CHECK(app.shown.size() == 1);
    CHECK(app.shown.front().title == "test");
    CHECK(app.message.find("truncated.json") != std::string::npos);
}

TEST_CASE("Opening files shows them in order, titled by file name, and clears an old message", "[viewer]") {
    App app;
    app.message = "an old error";
    const std::string blocking = data_dir + "/lab06-reference-blocking.json";
    const std::string offloaded = data_dir + "/lab06-reference.json";
    REQUIRE(open_traces(app, {blocking, offloaded}));
    REQUIRE(app.shown.size() == 2);
    CHECK(app.shown[0].title == "lab06-reference-blocking.json");
    CHECK(app.shown[1].title == "lab06-reference.json");
    CHECK(app.message.empty());
    SECTION("the blocking run has its slow callback as a lint, the offloaded one none") {
        CHECK(app.shown[0].lints.size() == 1);
        CHECK(app.shown[1].lints.empty());
    }
}

TEST_CASE("A comparison of more than two traces starts with the task lanes folded", "[viewer]") {
    App app;
    std::vector<Shown> traces;
    for (int i = 0; i < 3; ++i) traces.push_back(shown_of(with_executor_job));
    app.show(std::move(traces));
    for (const Shown& shown : app.shown) CHECK_FALSE(shown.tasks_open);
}

TEST_CASE("Play from the end of the trace starts again from the beginning", "[viewer]") {
    App app;
    std::vector<Shown> traces;
    traces.push_back(shown_of(with_executor_job));
    app.show(std::move(traces));
    app.cursor = app.end_time();
    app.toggle_play();
    CHECK(app.playing);
    CHECK(app.cursor == 0);
    app.toggle_play();
    CHECK_FALSE(app.playing);
}

TEST_CASE("Zooming in stops where doubles can still tell two times apart", "[viewer]") {
    // Regression: at 1e13 us a 10 ns view made the ruler's t += step stand still (a hang).
    ViewRange view{2e13, 2e13 + 1000};
    for (int i = 0; i < 400; ++i) zoom_view(view, 2e13 + 500, 0.8, 2e13 + 1000);
    CHECK(view.width() > 0);
    CHECK(view.t0 + view.width() / 200 > view.t0);  // a ruler step is still a step
    SECTION("near zero it goes down to 10 ns") {
        ViewRange small{0, 1000};
        for (int i = 0; i < 400; ++i) zoom_view(small, 500, 0.8, 1000);
        CHECK(small.width() == Approx(0.01));
    }
}

TEST_CASE("Durations read as people write them", "[viewer]") {
    CHECK(format_duration(0.25) == "250 ns");
    CHECK(format_duration(12.34) == "12.34 us");
    CHECK(format_duration(999.7) == "999.7 us");
    CHECK(format_duration(4567) == "4.567 ms");
    CHECK(format_duration(999'700) == "999.7 ms");
    CHECK(format_duration(1'234'000) == "1.234 s");
}

#endif  // LOOPLAB_VIEWER_HAS_SCENARIO
