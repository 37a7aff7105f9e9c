// platform.cpp: the real clock and the real sleep.
#include "platform.hpp"

namespace looplab {

TimePoint RealPlatform::now() const {
    return std::chrono::time_point_cast<Duration>(Clock::now());
}

void RealPlatform::wait(std::optional<Duration> timeout) {
    // A poll (the loop has work ready) never sleeps, so it needs no lock: it only consumes a
    // pending wake-up. A wake() racing with it is either consumed or ends the next wait early.
    if (timeout && timeout->count() <= 0) {
        if (woken_.load(std::memory_order_relaxed)) woken_.store(false);
        return;
    }
    std::unique_lock lock(mutex_);
    auto woken = [this] { return woken_.load(); };
    if (!timeout) {
        woken_cv_.wait(lock, woken);
    } else {
        woken_cv_.wait_for(lock, *timeout, woken);
    }
    woken_ = false;  // this wait consumed every wake-up so far: they all asked for the same thing
}

void RealPlatform::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    woken_cv_.notify_one();
}

}  // namespace looplab
