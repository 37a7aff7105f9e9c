// platform.hpp: what the event loop needs from the world outside it, a clock and a way to
// sleep until there is work. Tests swap in a virtual platform, so no test ever really sleeps.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

namespace looplab {

using Clock = std::chrono::steady_clock;  // monotonic, like Python's time.monotonic()
using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<Clock, Duration>;

// `t + d`, but never past the clock's end: call_later(Duration::max()) means "never", not an
// overflow into the past.
inline TimePoint add_saturating(TimePoint t, Duration d) {
    if (d > Duration::zero() && t > TimePoint::max() - d) return TimePoint::max();
    return t + d;
}

// The loop's view of time and waiting (asyncio keeps these in the loop and its selector).
class Platform {
  public:
    virtual ~Platform() = default;

    // The loop's current time. Monotonic: never goes backwards.
    virtual TimePoint now() const = 0;

    // Called on the loop thread only. Blocks until wake() is called or `timeout` has passed;
    // std::nullopt means "no deadline: sleep until woken". A wake() that came before this call
    // makes it return at once, so a wake-up is never lost.
    virtual void wait(std::optional<Duration> timeout) = 0;

    // Thread-safe: may be called from any thread. Ends the current or the next wait().
    virtual void wake() = 0;
};

// The real thing: the steady clock, and a condition variable to sleep on.
class RealPlatform final : public Platform {
  public:
    TimePoint now() const override;
    void wait(std::optional<Duration> timeout) override;
    void wake() override;

  private:
    std::mutex mutex_;
    std::condition_variable woken_cv_;
    // Set by wake(), consumed by wait(). Written under mutex_, so a blocking wait cannot miss it;
    // atomic so that the zero-timeout wait, which the loop makes on every busy iteration, can
    // consume it without taking the lock.
    std::atomic<bool> woken_ = false;
};

}  // namespace looplab
