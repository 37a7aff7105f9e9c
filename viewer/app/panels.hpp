// panels.hpp: one function per panel, each in its own file, each drawing into the current ImGui
// window from the shared App state (and only reading the trace model).
#pragma once

#include "app.hpp"

namespace looplab::viewer {

void draw_timeline(App& app);        // panel_timeline.cpp: lanes, ruler, zoom, pan, flows, lints
void draw_loop_state(App& app);      // panel_loop_state.cpp: ready queue, timers, executor at the cursor
void draw_tasks_table(App& app);     // panel_loop_state.cpp: every task's state at the cursor
void draw_lints(App& app);           // panel_lints.cpp: click-to-jump list of what went wrong
void draw_selection(App& app);       // panel_selection.cpp: the selected span and its flows
void draw_player(App& app);          // panel_player.cpp: step iterations, play, scrubber
void draw_toolbar(App& app);         // panel_toolbar.cpp: the demo's controls, fit, flows, open

// Advances the cursor while playing; call once per frame with the frame's wall time.
void advance_player(App& app, double seconds);

// The whole window: toolbar, timeline, and the panels below it.
void draw_main_window(App& app);

}  // namespace looplab::viewer
