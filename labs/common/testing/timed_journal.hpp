// timed_journal.hpp: a journal of what a test's coroutines did, stamped with the virtual time or
// the loop iteration, and the waits that slept. Shared by the labs whose tests follow tasks through
// virtual time (lab 04's sleep and cancel tests, lab 08's combinators).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "loop_test_helpers.hpp"
#include "platform.hpp"
#include "virtual_platform.hpp"

namespace looplab::testing {

// What the tests' coroutines did. at() stamps an entry with the virtual time since the journal was made
// ("t=10ms A wakes"); note() with the loop iteration ("iteration 2: A2"). Every iteration asks the
// platform to wait exactly once, before it runs its callbacks, so the iteration number is the number of
// waits so far.
class TimedJournal {
  public:
    explicit TimedJournal(const VirtualPlatform& platform) : platform_(&platform), start_(platform.now()) {}

    void at(const std::string& what) { entries.push_back("t=" + in_words(platform_->now() - start_) + " " + what); }
    void note(const std::string& what) {
        entries.push_back("iteration " + std::to_string(platform_->waits.size()) + ": " + what);
    }

    std::vector<std::string> entries;

  private:
    const VirtualPlatform* platform_;
    TimePoint start_;
};

// The waits that blocked, in words: describe_waits without the polls.
inline std::vector<std::string> waits_that_slept(const std::vector<std::optional<Duration>>& waits) {
    std::vector<std::string> slept;
    for (const std::string& wait : describe_waits(waits)) {
        if (wait != "poll") slept.push_back(wait);
    }
    return slept;
}

}  // namespace looplab::testing
