// stress_helpers.hpp: what the reference loop's stress and hostile-client tests share. These are
// not lab tests (a student never meets them, and they need not fail on the starter): they load
// the reference loop until a lost callback, a leak, a race or a deadlock would show.
//
// Sizes: the numbers (8 threads x 100k calls, 100k tasks, thousands of connections)
// divided by LOOPLAB_STRESS_SCALE, which is 1 except under ThreadSanitizer (CMakeLists.txt).
// Randomness: one seeded PRNG per test, the seed in every failure message; set
// LOOPLAB_STRESS_SEED=<n> to replay a failure.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include "event_loop.hpp"
#include "real_loop_helpers.hpp"

#ifndef LOOPLAB_STRESS_SCALE
#define LOOPLAB_STRESS_SCALE 1
#endif

namespace looplab::stress {

// `full` in the normal build; scaled down (never below 1) where the build is much slower.
constexpr int scaled(int full) {
    return full / LOOPLAB_STRESS_SCALE > 0 ? full / LOOPLAB_STRESS_SCALE : 1;
}

// The longest any stress test waits for the loop or for another thread, on the real clock. The
// kit kills a case after the stress program's own timeout (LOOPLAB_STRESS_TIMEOUT, longer), so
// a deadlock shows first as this limit's failure message, with what had happened so far.
inline constexpr Duration stress_limit = std::chrono::seconds(20);

// The seed for this run: LOOPLAB_STRESS_SEED if set, otherwise a fixed one (reproducible runs).
inline std::uint64_t stress_seed() {
    if (const char* text = std::getenv("LOOPLAB_STRESS_SEED")) return std::strtoull(text, nullptr, 10);
    return 20240611;
}

// Runs the loop until something stops it or stress_limit passes. True if the limit stopped it.
inline bool run_bounded(EventLoop& loop, Duration limit = stress_limit) {
    return testing::run_with_safety_timer(loop, limit);
}

// Counts the live instances of whatever holds one: a coroutine frame (a local), a callback's
// captures. `live` must outlive every instance. Loop thread only, unless `Counter` is atomic.
template <class Counter>
class LiveCount {
  public:
    explicit LiveCount(Counter& live) : live_(&live) { ++*live_; }
    LiveCount(const LiveCount& other) : live_(other.live_) { ++*live_; }
    LiveCount& operator=(const LiveCount&) = delete;
    ~LiveCount() { --*live_; }

  private:
    Counter* live_;
};

}  // namespace looplab::stress
