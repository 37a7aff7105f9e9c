// scenario_controller.hpp: runs the built-in demo (the seed scenario) off the UI thread, so the
// window stays responsive while the loop under study blocks on purpose.
//
// Each request runs the scenario twice on fresh reference loops: once with the blocking call on
// the loop (the stall) and once where the controls put it (the cure), and hands both traces to
// the UI thread through poll().
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app.hpp"
#include "seed_scenario.hpp"

namespace looplab::viewer {

class ScenarioController {
  public:
    ScenarioController();
    // Waits for a run in progress to finish: as long as its blocking calls take (the knobs allow
    // a minute). The viewer therefore keeps a busy controller alive (App::retired) and, at exit,
    // leaves without waiting for it (main.cpp).
    ~ScenarioController();
    ScenarioController(const ScenarioController&) = delete;
    ScenarioController& operator=(const ScenarioController&) = delete;

    // Asks for a run with `params`. A request made while a run is going replaces any queued one:
    // only the latest settings matter to someone dragging a slider.
    void request(const ScenarioParams& params);

    // UI thread: the traces of the latest finished run, once; nullopt when nothing new.
    // `error` gets what went wrong in a run that failed, else it is cleared.
    std::optional<std::vector<Shown>> poll(const LintOptions& lint_options, std::string& error);

    bool running() const;
    ScenarioParams params;              // what the controls edit (UI thread only)

  private:
    void worker();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::optional<ScenarioParams> queued_;
    std::optional<std::vector<ScenarioRun>> finished_;
    bool busy_ = false;
    bool quit_ = false;
    std::thread thread_;                // last: starts after the members it uses exist
};

// Runs the two runs synchronously (used by the worker, and by --screenshot, which must not
// draw before the traces exist).
std::vector<ScenarioRun> run_both(const ScenarioParams& params);
// Turns finished runs into traces to show; a run that failed becomes a message in `error`.
std::vector<Shown> to_shown(std::vector<ScenarioRun> runs, const LintOptions& lint_options, std::string& error);

}  // namespace looplab::viewer
