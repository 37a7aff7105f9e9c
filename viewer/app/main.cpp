// looplab-viewer: the timeline of an event loop. Reads as numbered phases, like Dear ImGui's
// example mains: (1) the command line, (2) what to show, (3) the window, (4) the frame loop,
// (5) clean-up (Gui's destructor). GLFW and OpenGL live in gui.cpp, the panels in panel_*.cpp.
//
//   looplab-viewer                       the built-in demo, live on the reference loop
//   looplab-viewer trace.json            a trace (yours: ./looplab view N)
//   looplab-viewer --compare A B         two traces aligned, one above the other
//   looplab-viewer --screenshot out.png  render, save, exit (xvfb-run -a for no display)
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>
#include <imgui.h>

#include "app.hpp"
#include "bench.hpp"
#include "gui.hpp"
#include "options.hpp"
#include "panels.hpp"
#include "scenario_controller.hpp"

using namespace looplab::viewer;

namespace {

// Phase 2: the traces, loaded before any window opens so that a bad file is reported even
// where no window can open. Returns false when a trace did not load (the message is in app).
bool load_content(App& app, const Options& options) {
    if (!options.traces.empty()) return open_traces(app, options.traces, options.titles);
    app.scenario = std::make_unique<ScenarioController>();
    app.scenario->params = clamped(options.scenario);
    if (options.screenshot.empty()) {
        app.scenario->request(app.scenario->params);  // live: the window opens while it runs
        return true;
    }
    std::string error;  // a screenshot must show the runs, so wait for them
    app.show(to_shown(run_both(app.scenario->params), app.lint_options, error));
    app.message = error;
    return error.empty();
}

std::string window_title(const App& app) {
    if (app.scenario) return "looplab viewer - built-in demo (the seed scenario on the reference loop)";
    std::string title = "looplab viewer";
    for (const Shown& shown : app.shown) title += " - " + shown.trace.source;
    return title;
}

// Phase 4, one frame: pick up finished demo runs and dropped files, advance the player, draw.
void frame(App& app, Gui& gui, const Options& options, double seconds) {
    if (app.scenario) {
        if (auto runs = app.scenario->poll(app.lint_options, app.message)) {
            const ViewRange kept = app.view;
            const bool first = app.shown.empty();
            app.show(std::move(*runs));
            if (!first) app.view = kept;  // re-running keeps the student's zoom
            else if (options.cursor_ms) app.cursor = *options.cursor_ms * 1000;
        }
    }
    if (std::vector<std::string> dropped = gui.take_dropped_files(); !dropped.empty()) open_traces(app, dropped);
    gui.set_title(window_title(app));  // files opened from the toolbar or dropped change it
    advance_player(app, seconds);
    draw_main_window(app);
}

}  // namespace

int main(int argc, char** argv) {
    // 1. The command line.
    Options options;
    if (auto code = parse_options(argc, argv, options)) return *code;
    if (!options.bench.empty()) return run_bench(options);

    // 2. What to show.
    App app;
    app.lint_options.slow_threshold_us = options.slow_ms * 1000;
    const bool loaded = load_content(app, options);
    if (options.cursor_ms) app.cursor = *options.cursor_ms * 1000;
    if (!loaded) fmt::print(stderr, "looplab-viewer: {}\n", app.message);

    // 3. The window.
    std::string error;
    std::unique_ptr<Gui> gui = Gui::open(window_title(app), options.width, options.height, options.font_scale, error);
    if (!gui) {
        fmt::print(stderr, "{}\n", error);
        return 1;
    }

    // 4. The frame loop; with --screenshot, a few frames (the layout settles), save, stop.
    gui->ignore_mouse(!options.screenshot.empty());
    auto last = std::chrono::steady_clock::now();
    for (int drawn = 0; !gui->should_close(); ++drawn) {
        const auto now = std::chrono::steady_clock::now();
        gui->begin_frame();
        frame(app, *gui, options, std::chrono::duration<double>(now - last).count());
        last = now;
        const bool final_frame = !options.screenshot.empty() && drawn + 1 >= options.frames;
        gui->end_frame(final_frame ? options.screenshot : std::string{});
        if (!final_frame) continue;
        if (!gui->screenshot_error().empty()) {
            fmt::print(stderr, "looplab-viewer: {}\n", gui->screenshot_error());
            return 1;
        }
        fmt::print("Screenshot written to {}\n", options.screenshot);
        break;
    }
    // 5. Clean-up: Gui's destructor closes the backends and the window. A demo run still going
    // is not waited for: its blocking calls may take a minute, and nothing of it needs saving.
    const int code = loaded ? 0 : 1;
    if (app.scenario_running()) {
        gui.reset();
        std::fflush(nullptr);
        std::_Exit(code);
    }
    return code;
}
