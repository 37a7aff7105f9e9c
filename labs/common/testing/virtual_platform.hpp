// virtual_platform.hpp: a fake clock and a fake sleep for tests. Waiting moves virtual time
// forward by the timeout at once, so a test about a 10-second timer takes no time at all, and
// every wait the loop asked for is recorded for the test to inspect.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <vector>

#include "platform.hpp"

namespace looplab::testing {

class VirtualPlatform final : public Platform {
  public:
    TimePoint now() const override { return now_; }

    // Records the request, then "sleeps": jumps the clock forward by the timeout, or returns at
    // once if wake() came first. A wait with no deadline and no wake-up would never end on a real
    // machine; here it fails the test instead of hanging it.
    void wait(std::optional<Duration> timeout) override {
        waits.push_back(timeout);
        if (woken_) {
            woken_ = false;
            return;
        }
        if (!timeout) {
            throw std::logic_error(
                "the loop asked to wait with no deadline, and nothing can wake it: on a real machine it "
                "would hang here. The wait step's timeout must be zero while callbacks are ready or a "
                "stop is pending (lab 01), and run until the earliest timer while one is pending "
                "(lab 02: timer_timeout). See wait_timeout.");
        }
        if (*timeout > Duration::zero()) now_ += *timeout;
    }

    void wake() override { woken_ = true; }

    // Moves virtual time forward without the loop (a "blocking call" that took this long).
    void advance(Duration by) { now_ += by; }

    std::vector<std::optional<Duration>> waits;  // every timeout the loop asked for, in order

  private:
    TimePoint now_ = TimePoint{} + std::chrono::hours(1);  // not zero: catches "deadline 0" bugs
    bool woken_ = false;
};

}  // namespace looplab::testing
