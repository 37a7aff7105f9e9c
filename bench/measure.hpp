// measure.hpp: what every benchmark workload shares: the sizes, the clock, the medians and the
// one output line per measurement that ./looplab bench reads.
//
// Output contract (one JSON object per line on stdout, read by looplab-kit's bench command):
//   {"workload": "callbacks_queued", "peer": "looplab", "metric": "rate", "value": 1.5e7, "unit": "callbacks/s"}
// A unit ending in "/s" is better when higher; every other unit is better when lower.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <string_view>
#include <vector>

#include <fmt/core.h>

namespace looplab::bench {

// The workload sizes: the full sizes, or a hundredth of them for the CI smoke test.
struct Sizes {
    std::size_t callbacks = 1'000'000;  // workloads 1 and 2
    std::size_t switches = 1'000'000;   // workload 3: switches in all (two coroutines)
    std::size_t round_trips = 10'000;   // workload 4
    std::size_t timers = 100'000;       // workload 5 (half of them cancelled)
    std::size_t tasks = 100'000;        // workload 6
    int repeat = 5;                     // runs of each workload; the median is reported

    static Sizes quick() { return {10'000, 10'000, 200, 1'000, 1'000, 1}; }
};

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Events per second: `count` of them in `seconds`.
inline double rate(std::size_t count, double seconds) { return static_cast<double>(count) / seconds; }

// The middle value (the mean of the two middle ones for an even count). `values` is not empty.
inline double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// The value below which `fraction` of the samples lie (nearest rank). `values` is not empty.
inline double percentile(std::vector<double> values, double fraction) {
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(rank, values.size() - 1)];
}

// Runs `once` `repeat` times and returns the median of what it returned.
inline double median_of(int repeat, const std::function<double()>& once) {
    std::vector<double> runs;
    for (int i = 0; i < repeat; ++i) runs.push_back(once());
    return median(std::move(runs));
}

// Prints one measurement in the output contract above.
inline void report(std::string_view workload, std::string_view peer, std::string_view metric, double value,
                   std::string_view unit) {
    fmt::print("{{\"workload\": \"{}\", \"peer\": \"{}\", \"metric\": \"{}\", \"value\": {:.6g}, \"unit\": \"{}\"}}\n",
               workload, peer, metric, value, unit);
    std::fflush(stdout);
}

// Workload 4's two lines: `once` returns one run's round trips in µs; each run gives a p50 and
// a p99, and the medians of those over `repeat` runs are reported.
inline void report_round_trips(std::string_view peer, int repeat, const std::function<std::vector<double>()>& once) {
    std::vector<double> p50s, p99s;
    for (int i = 0; i < repeat; ++i) {
        const std::vector<double> micros = once();
        p50s.push_back(percentile(micros, 0.50));
        p99s.push_back(percentile(micros, 0.99));
    }
    report("executor_round_trip", peer, "p50", median(p50s), "us");
    report("executor_round_trip", peer, "p99", median(p99s), "us");
}

// Workload 6's lines, from each run's bytes per task (negative when the heap cannot be
// measured: the memory line is left out) and total milliseconds.
inline void report_sleeping_tasks(std::string_view peer, const std::vector<double>& bytes,
                                  const std::vector<double>& millis) {
    if (median(bytes) >= 0) report("sleeping_tasks", peer, "memory", median(bytes), "bytes/task");
    report("sleeping_tasks", peer, "total", median(millis), "ms");
}

}  // namespace looplab::bench
