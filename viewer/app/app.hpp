// app.hpp: the viewer's state, shared by every panel (Tracy's "View"). The data lives in the
// trace model (viewer/model, no ImGui); this struct holds only what the user is looking at:
// which traces, which time range, where the cursor is, what is selected.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lints.hpp"
#include "loop_state.hpp"
#include "trace_model.hpp"

namespace looplab::viewer {

class ScenarioController;

// One trace on screen, with what the panels derived from it once.
struct Shown {
    std::string title;                 // "run 1 (above), on the loop: 0 ticks ...", "your loop: ..."
    std::string label;                 // short, for the panels' headings, e.g. run 1 (above)
    Trace trace;
    std::vector<Lint> lints;
    bool tasks_open = true;            // the task lanes are collapsible per trace
    Micros longest_flow = 0;           // the longest begin-to-end of its flows (for drawing them)
};

struct ViewRange {
    Micros t0 = 0;
    Micros t1 = 1;
    Micros width() const { return t1 - t0; }
};

struct Selection {
    int shown = -1;                    // index into App::shown
    SpanRef span;
    bool valid() const { return shown >= 0 && span.valid(); }
};

struct App {
    std::vector<Shown> shown;          // stacked top to bottom, sharing one time axis
    std::string message;               // a load error or notice, shown above the timeline
    ViewRange view;
    Micros cursor = 0;
    int focus = 0;                     // the trace the state panels describe
    Selection selection;
    LintOptions lint_options;
    bool show_all_flows = false;       // otherwise only the selected or hovered span's flows
    bool playing = false;
    float play_speed = 0.25f;          // trace time per wall time while playing
    float font_scale = 1.0f;
    std::unique_ptr<ScenarioController> scenario;  // the built-in demo; null when showing files
    // Demo controllers replaced by files while a run was still going: kept (not joined) so the
    // window never freezes waiting for a blocking call to end.
    std::vector<std::unique_ptr<ScenarioController>> retired;

    App();
    ~App();

    // Replaces what is shown; fits the view and places the cursor (place_cursor).
    void show(std::vector<Shown> traces);
    // Puts the cursor in the middle of the first executor job, if any, else at the first iteration.
    void place_cursor();
    // Recomputes lints after lint_options changed.
    void refresh_lints();
    void fit();                        // the whole of every trace in view
    void focus_on(Micros start, Micros end);  // zoom to [start, end] with a margin, cursor at start
    Micros end_time() const;           // the latest end among the shown traces
    bool scenario_running() const;     // is a demo run (current or retired) still going?
    void toggle_play();                // play from the cursor (from the start once at the end), or pause

    // The loop state at the cursor for the focused trace, cached per (trace, cursor).
    const LoopState* state_at_cursor();

  private:
    std::optional<LoopState> state_cache_;
    int state_cache_shown_ = -1;
    Micros state_cache_at_ = -1;
};

// Makes a Shown from a loaded trace (computes its lints). The label defaults to the title.
Shown make_shown(std::string title, Trace trace, const LintOptions& options, std::string label = {});

// Loads trace files (titles default to the file names) and shows them, aligned at time 0.
// A file that does not load leaves the screen as it was and sets app.message; returns false.
bool open_traces(App& app, const std::vector<std::string>& paths, std::vector<std::string> titles = {});

// Formats microseconds for people: "850 ns", "12.3 us", "4.56 ms", "1.234 s".
std::string format_duration(Micros us);
// A time on the ruler (ms since the trace began, with a precision fitting `step`).
std::string format_time(Micros us, Micros step);

}  // namespace looplab::viewer
