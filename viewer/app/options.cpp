// options.cpp: the viewer's command line. Every option has a default, so `looplab-viewer` alone
// opens the built-in demo.
#include "options.hpp"

#include <map>

#include <CLI/CLI.hpp>

namespace looplab::viewer {

std::optional<int> parse_options(int argc, char** argv, Options& o) {
    CLI::App cli{"looplab-viewer: watch an event loop's timeline.\n"
                 "With no trace, runs the built-in demo: the article's scenario on the reference loop,\n"
                 "the blocking call on the loop above, and offloaded below."};
    cli.add_option("traces", o.traces, "trace files in looplab's schema or Chrome's trace format")->check(CLI::ExistingPath);
    std::vector<std::string> compare;
    cli.add_option("--compare", compare, "two traces, one above the other (e.g. yours and the reference)")->expected(2)->check(CLI::ExistingPath);
    cli.add_option("--title", o.titles, "a title for each trace, in order")->take_all();
    cli.add_option("--screenshot", o.screenshot, "render, save a PNG here, and exit (works under xvfb-run)");
    cli.add_option("--frames", o.frames, "frames to render before the screenshot")->check(CLI::Range(1, 1000));
    cli.add_option("--width", o.width, "window width in pixels")->check(CLI::Range(320, 7680));
    cli.add_option("--height", o.height, "window height in pixels")->check(CLI::Range(240, 4320));
    cli.add_option("--bench", o.bench, "load TRACE (or synthetic:N for N generated events), then print the load time and the median frame CPU time");
    cli.add_option("--font-scale", o.font_scale, "text size, for a projector (1 = normal)")->check(CLI::Range(0.5, 4.0));
    cli.add_option("--cursor-ms", o.cursor_ms, "put the cursor here (ms since the trace began), e.g. for a screenshot");
    cli.add_option("--slow-ms", o.slow_ms, "a callback holding the loop this long is marked slow")->check(CLI::Range(0.001, 1e6));

    ScenarioParams& p = o.scenario;
    int tick_ms = static_cast<int>(p.tick_interval.count());
    int blocking_ms = static_cast<int>(p.blocking_duration.count());
    const std::map<std::string, BlockingPlace> places{
        {"loop", BlockingPlace::on_loop},          {"on_loop", BlockingPlace::on_loop},
        {"executor", BlockingPlace::run_in_executor}, {"run_in_executor", BlockingPlace::run_in_executor},
        {"to_thread", BlockingPlace::to_thread}};
    std::string place = "executor";
    auto* demo = cli.add_option_group("built-in demo", "the scenario's starting knobs");
    demo->add_option("--tickers", p.tickers, "ticker tasks")->check(CLI::Range(1, 32));
    demo->add_option("--tick-ms", tick_ms, "tick interval")->check(CLI::Range(1, 1000));
    demo->add_option("--blocking-ms", blocking_ms, "the blocking call's duration")->check(CLI::Range(10, 3000));
    demo->add_option("--calls", p.blocking_calls, "blocking calls started at once")->check(CLI::Range(1, 16));
    demo->add_option("--workers", p.workers, "executor workers")->check(CLI::Range(1, 16));
    demo->add_option("--place", place, "where the second run makes the call: loop, executor (run_in_executor) or to_thread")
        ->check(CLI::IsMember(places, CLI::ignore_case))
        ->option_text("loop|executor|to_thread");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return cli.exit(error);
    }
    p.place = places.at(CLI::detail::to_lower(place));
    p.tick_interval = std::chrono::milliseconds(tick_ms);
    p.blocking_duration = std::chrono::milliseconds(blocking_ms);
    if (!compare.empty()) o.traces = compare;
    return std::nullopt;
}

}  // namespace looplab::viewer
