// main.cpp: looplab-bench, the benchmark program. It runs the workloads on the reference loop and
// on Asio and prints one JSON line per measurement (measure.hpp). ./looplab bench builds it in
// release mode, runs it beside bench_asyncio.py, and turns the lines into a table and ratios.
#include <string>

#include <CLI/CLI.hpp>

#include "measure.hpp"
#include "workloads.hpp"

int main(int argc, char** argv) {
    CLI::App app{"looplab-bench: the reference loop and Asio on the same workloads (./looplab bench runs it)"};
    bool quick = false;
    int repeat = 0;
    std::string peer = "all";
    bool trace_only = false;
    app.add_flag("--quick", quick, "a hundredth of the sizes, run once: a smoke test");
    app.add_option("--repeat", repeat, "runs of each workload (the median is reported)")->check(CLI::Range(1, 100));
    app.add_option("--peer", peer, "which loop to measure")->check(CLI::IsMember({"all", "looplab", "asio"}));
    app.add_flag("--trace-only", trace_only, "only the trace recorder's cost (for the build with it compiled out)");
    CLI11_PARSE(app, argc, argv);

    looplab::bench::Sizes sizes = quick ? looplab::bench::Sizes::quick() : looplab::bench::Sizes{};
    if (repeat > 0) sizes.repeat = repeat;
    if (trace_only) {
        looplab::bench::run_trace_cost(sizes);
        return 0;
    }
    if (peer != "asio") looplab::bench::run_looplab_workloads(sizes);
    if (peer != "looplab") looplab::bench::run_asio_workloads(sizes);
    return 0;
}
