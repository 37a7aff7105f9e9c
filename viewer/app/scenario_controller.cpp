// scenario_controller.cpp: the built-in demo's background runner (see scenario_controller.hpp).
#include "scenario_controller.hpp"

#include <fmt/format.h>

namespace looplab::viewer {

ScenarioController::ScenarioController() : thread_([this] { worker(); }) {}

ScenarioController::~ScenarioController() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void ScenarioController::request(const ScenarioParams& wanted) {
    {
        std::lock_guard lock(mutex_);
        queued_ = clamped(wanted);
    }
    wake_.notify_one();
}

bool ScenarioController::running() const {
    std::lock_guard lock(mutex_);
    return busy_ || queued_.has_value();
}

std::optional<std::vector<Shown>> ScenarioController::poll(const LintOptions& lint_options, std::string& error) {
    std::optional<std::vector<ScenarioRun>> runs;
    {
        std::lock_guard lock(mutex_);
        runs.swap(finished_);
    }
    if (!runs) return std::nullopt;
    error.clear();
    return to_shown(std::move(*runs), lint_options, error);
}

// The worker thread: one run at a time (the trace recorder is process-wide), newest request wins.
void ScenarioController::worker() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return quit_ || queued_.has_value(); });
        if (quit_) return;
        const ScenarioParams wanted = *queued_;
        queued_.reset();
        busy_ = true;
        lock.unlock();
        std::vector<ScenarioRun> runs = run_both(wanted);
        lock.lock();
        busy_ = false;
        finished_ = std::move(runs);
    }
}

std::vector<ScenarioRun> run_both(const ScenarioParams& params) {
    ScenarioParams stall = params;
    stall.place = BlockingPlace::on_loop;
    std::vector<ScenarioRun> runs;
    runs.push_back(run_seed_scenario(stall));
    runs.push_back(run_seed_scenario(params));
    return runs;
}

std::vector<Shown> to_shown(std::vector<ScenarioRun> runs, const LintOptions& lint_options, std::string& error) {
    std::vector<Shown> shown;
    const char* const positions[] = {"run 1 (above)", "run 2 (below)"};
    for (std::size_t i = 0; i < runs.size(); ++i) {
        ScenarioRun& run = runs[i];
        if (!run.ok) {
            error += run.error + "\n";
            continue;
        }
        LoadResult loaded = parse_trace(run.trace_json, "built-in demo");
        if (auto* failure = std::get_if<LoadError>(&loaded)) {
            error += failure->message + "\n";
            continue;
        }
        Trace trace = std::move(std::get<Trace>(loaded));
        trace.source = "built-in demo";
        const std::string position = i < 2 ? positions[i] : fmt::format("run {}", i + 1);
        shown.push_back(make_shown(fmt::format("{}, {}", position, run.summary), std::move(trace), lint_options, position));
    }
    return shown;
}

}  // namespace looplab::viewer
