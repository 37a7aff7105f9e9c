// task_test_helpers.hpp: helpers lab 04's task tests share; the helpers every lab's tests share
// are in labs/common/testing/loop_test_helpers.hpp. Two journals, because the tests read their
// entries differently: IterationJournal (test_await, test_task_steps) says when an entry was made
// before the loop ran; TimedJournal (test_sleep, test_cancel; in labs/common/testing/timed_journal.hpp, lab 08
// uses it too) stamps the virtual time too.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "loop_test_helpers.hpp"
#include "timed_journal.hpp"
#include "platform.hpp"
#include "virtual_platform.hpp"

namespace looplab::testing {

// What the tests' coroutines and callbacks did, each entry stamped with the loop iteration that ran it,
// e.g. "iteration 2: child runs". Every iteration (run_once) asks the platform to wait exactly once,
// before it runs its callbacks, so the iteration number is the number of waits so far. An entry made
// before the loop ever ran says so: code that should have waited for the loop ran inline.
class IterationJournal {
  public:
    explicit IterationJournal(const VirtualPlatform& platform) : platform_(&platform) {}

    void note(const std::string& what) {
        const std::size_t iteration = platform_->waits.size();
        entries.push_back(iteration == 0 ? "before the loop ran: " + what
                                         : "iteration " + std::to_string(iteration) + ": " + what);
    }

    std::vector<std::string> entries;

  private:
    const VirtualPlatform* platform_;
};

}  // namespace looplab::testing
