// timer_test_helpers.hpp: helpers lab 02's timer tests share; the helpers every lab's tests share
// are in labs/common/testing/loop_test_helpers.hpp.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "event_loop.hpp"
#include "loop_test_helpers.hpp"

namespace looplab::testing {

// A callback that logs "t=<the loop's time since start> <name>" when it runs, e.g. "t=10ms A".
inline std::function<void()> record_time(std::vector<std::string>& log, const EventLoop& loop,
                                         TimePoint start, std::string name) {
    return [&log, &loop, start, name = std::move(name)] {
        log.push_back("t=" + in_words(loop.time() - start) + " " + name);
    };
}

// Runs iterations while timers are pending, but at most `limit` of them, so a loop that never
// empties its heap fails the test instead of hanging it. Returns what an iteration threw, or
// "(nothing was thrown)".
inline std::string run_while_timers_pending(EventLoop& loop, int limit = 1000) {
    return what_thrown([&] {
        for (int i = 0; i < limit && loop.timer_count() > 0; ++i) loop.run_once();
    });
}

}  // namespace looplab::testing
