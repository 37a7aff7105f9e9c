// event_loop.cpp: the loop's scheduling core. Lines outside the TODO regions are the kit's
// (construction, tracing, error reporting); the regions are yours.
#include "event_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "block_pool.hpp"
#include "executor.hpp"  // the default executor dies with the loop
#include "not_implemented.hpp"
#include "scope_exit.hpp"
#include "trace.hpp"

namespace looplab {

namespace {

// Lab 04: the loops this thread knows about (asyncio keeps the same two).
thread_local EventLoop* running_loop = nullptr;  // inside run_forever
thread_local EventLoop* current_loop = nullptr;  // set_event_loop, or the first loop made here

// Marks `loop` as this thread's running loop for as long as run_forever runs.
class RunningLoopScope {
  public:
    explicit RunningLoopScope(EventLoop& loop) : previous_(running_loop) {
        if (previous_ != nullptr && previous_ != &loop) {
            throw std::runtime_error("Cannot run the event loop while another loop is running");
        }
        running_loop = &loop;
    }
    ~RunningLoopScope() { running_loop = previous_; }
    RunningLoopScope(const RunningLoopScope&) = delete;
    RunningLoopScope& operator=(const RunningLoopScope&) = delete;

  private:
    EventLoop* previous_;
};

}  // namespace

EventLoop& get_running_loop() {
    if (running_loop == nullptr) throw std::runtime_error("no running event loop");
    return *running_loop;
}

EventLoop& get_event_loop() {
    if (running_loop != nullptr) return *running_loop;
    if (current_loop == nullptr) throw std::runtime_error("There is no current event loop in this thread.");
    return *current_loop;
}

EventLoop* set_event_loop(EventLoop* loop) {
    return std::exchange(current_loop, loop);
}

EventLoop::EventLoop()
    : owned_platform_(std::make_unique<RealPlatform>()), platform_(*owned_platform_) {
    if (current_loop == nullptr) current_loop = this;
}

EventLoop::EventLoop(Platform& platform) : platform_(platform) {
    if (current_loop == nullptr) current_loop = this;
}

// A timer handle may outlive its loop: detach the timers still in the heap, so cancelling one
// later does not reach into a loop that no longer exists.
EventLoop::~EventLoop() {
    if (current_loop == this) current_loop = nullptr;
    // Members die in reverse order, the exception handler before the queues. So first tell the
    // futures the loop is gone (one dying in a queue then reports to std::cerr, not to a dead
    // handler), and join the executor's workers while everything they use still exists.
    alive_.reset();
    default_executor_.reset();
    abandon_pending_tasks();  // after the join: no worker still hands results to the tasks
    for (TimerEntry& entry : timers_) {
        entry.timer.state_->in_heap = false;
        entry.timer.state_->timer_loop = nullptr;
    }
}

// Called by every new task of this loop (on the loop's thread).
void EventLoop::track_task(std::weak_ptr<detail::TaskCore> task) {
    if (tasks_.size() >= 2 * tasks_after_prune_ + 64) {  // amortised O(1); at most ~2x the live tasks kept
        std::erase_if(tasks_, [](const std::weak_ptr<detail::TaskCore>& t) { return t.expired(); });
        tasks_after_prune_ = tasks_.size();
    }
    tasks_.push_back(std::move(task));
}

// A pending task and the future it awaits own each other: the future's done callback holds the
// task, the task's coroutine frame (and its waiting_on_) holds the future. Nothing else breaks
// that cycle once the loop is gone, so every task still pending when its loop died leaked with
// its frame and everything the frame held (found by solutions/stress, test_teardown.cpp).
// asyncio leaves such tasks to the garbage collector ("Task was destroyed but it is pending!");
// here the destructor destroys their frames, which frees the futures, which frees the tasks.
void EventLoop::abandon_pending_tasks() {
    std::vector<std::shared_ptr<detail::TaskCore>> pending;
    for (const auto& weak : tasks_) {
        if (auto task = weak.lock(); task && !task->future().done()) pending.push_back(std::move(task));
    }
    tasks_.clear();
    for (const auto& task : pending) task->abandon();  // a frame's locals may drop other tasks: all are held here
}

TimePoint EventLoop::time() const {
    return platform_.now();
}

// Wraps a callback in a Handle and records where it was scheduled from, for the trace.
// The State and its reference counts share one block, and the block comes from this thread's
// cache of blocks that earlier handles gave back (block_pool.hpp): scheduling a callback then
// costs no malloc and running it no free.
// (TUTORIAL.md quotes make_handle in "making it fast": the markers keep the quote true.)
// snippet: make_handle
Handle EventLoop::make_handle(std::function<void()>&& callback, std::string&& name, const char* flow) {
    return Handle(std::allocate_shared<Handle::State>(PooledAllocator<Handle::State>{}, std::move(callback),
                                                      std::move(name), LOOPLAB_TRACE_START_FLOW(flow), flow));
}
// end snippet

Handle EventLoop::call_soon(std::function<void()> callback, std::string name) {
    // TODO(lab 01) EventLoop::call_soon: refuse on a closed loop, then append a new handle to the ready queue. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    check_closed();
    Handle handle = make_handle(std::move(callback), std::move(name));
    ready_.push_back(handle);
    return handle;
    // END TODO(lab 01)
}

void EventLoop::check_closed() const {
    // TODO(lab 01) EventLoop::check_closed: throw std::runtime_error("Event loop is closed") once close() has run. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    if (closed_) throw std::runtime_error("Event loop is closed");
    // END TODO(lab 01)
}

void EventLoop::run_forever() {
    LOOPLAB_TRACE_EVENT(set_thread_name("loop"));
    RunningLoopScope running(*this);  // lab 04: get_running_loop() answers this loop meanwhile
    // TODO(lab 01) EventLoop::run_forever: check the loop may run, then run iterations until stop(); always leave it stopped and not running. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    check_closed();
    if (running_) throw std::runtime_error("This event loop is already running");
    running_ = true;
    // Python's try/finally: reset the flags however we leave, even if an iteration throws.
    ScopeExit reset([this] {
        stopping_ = false;
        running_ = false;
    });
    while (true) {
        run_once();
        if (stopping_) break;  // checked after the iteration: stop() before run gives exactly one
    }
    // END TODO(lab 01)
}

// How long the wait step may block: not at all when there is work or a stop is pending,
// until the earliest deadline when a timer is pending, and with nothing scheduled, until woken.
std::optional<Duration> EventLoop::wait_timeout() const {
    // TODO(lab 01) EventLoop::wait_timeout: zero when callbacks are ready or the loop is stopping. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    if (!ready_.empty() || stopping_) return Duration::zero();
    // END TODO(lab 01)
    // TODO(lab 02) timer_timeout: with a timer pending, sleep until the earliest deadline, clamped to [0, maximum_wait]. See TUTORIAL.md#lab-02-timers
    if (!timers_.empty()) {
        Duration until_due = timers_.front().when - time();
        return std::clamp(until_due, Duration::zero(), maximum_wait);
    }
    // END TODO(lab 02)
    return std::nullopt;  // nothing scheduled: sleep until woken
}

// The wait step: the only place the loop thread sleeps. A zero timeout just polls.
void EventLoop::wait_for_events(std::optional<Duration> timeout) {
    if (timeout && *timeout <= Duration::zero()) {
        platform_.wait(Duration::zero());  // nothing worth drawing in the trace
        return;
    }
    LOOPLAB_TRACE_SPAN(span, trace::Category::wait, "wait");
    platform_.wait(timeout);
}

// One iteration: the order of these four steps is asyncio's _run_once.
void EventLoop::run_once() {
    LOOPLAB_TRACE_SPAN(span, trace::Category::iteration, "run_once");
    // The lengths as the iteration begins: at the span's own clock reading (a read costs 30 ns).
    LOOPLAB_TRACE_EVENT(counter("ready queue", "length", static_cast<std::int64_t>(ready_.size()), span.started()));
    LOOPLAB_TRACE_EVENT(counter("timer heap", "length", static_cast<std::int64_t>(timers_.size()), span.started()));
    drop_cancelled_timers();
    wait_for_events(wait_timeout());
    take_threadsafe_callbacks();
    move_due_timers();
    run_ready();
}

void EventLoop::run_ready() {
    // TODO(lab 01) EventLoop::run_ready: run the callbacks that were ready when the iteration began, skipping cancelled ones. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    // Only the callbacks queued before this point run now: what they schedule waits for the
    // next iteration, so a callback that keeps rescheduling itself cannot starve the wait step.
    std::size_t ntodo = ready_.size();
    for (std::size_t i = 0; i < ntodo; ++i) {
        Handle handle = std::move(ready_.front());
        ready_.pop_front();
        if (!handle.cancelled()) run_handle(handle);
    }
    // END TODO(lab 01)
}

void EventLoop::run_handle(const Handle& handle) {
    LOOPLAB_TRACE_SPAN(span, trace::Category::callback, handle.name());
    LOOPLAB_TRACE_EVENT(flow_end(handle.state_->trace_flow, handle.state_->trace_flow_name, span.started()));
    // Lab 05: how long did the callback hold the loop? Read only in debug mode, where your check
    // uses it: a clock read costs about as much as running a small callback (30 ns on the course VM).
    [[maybe_unused]] const TimePoint started = time_callbacks_ ? time() : TimePoint{};
    // TODO(lab 01) EventLoop::run_handle: call the callback; an exception it throws goes to call_exception_handler and the loop carries on. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    // Move the callback out first: it may cancel its own handle, which drops the stored callback,
    // and a lambda must not be destroyed while it runs. It also frees the captures once it has run.
    auto callback = std::move(handle.state_->callback);
    try {
        callback();
    } catch (...) {
        call_exception_handler({"Exception in callback " + handle.name(), std::current_exception(), handle});
    }
    // END TODO(lab 01)
    // TODO(lab 05) slow_callback_check: in debug mode, report the callback if it held the loop for slow_callback_duration or longer. See TUTORIAL.md#lab-05-the-stall
    if (debug_) {
        Duration took = time() - started;
        if (took >= slow_callback_duration_) report_slow_callback(handle, took);
    }
    // END TODO(lab 05)
}

// asyncio logs "Executing <Handle ...> took 0.523 seconds"; looplab says it through the
// exception handler (with no exception), so a test or a teacher's tool can catch it.
void EventLoop::report_slow_callback(const Handle& handle, Duration took) {
    const double seconds = std::chrono::duration<double>(took).count();
    std::string message = fmt::format("Executing {} took {:.3f} seconds", handle.name(), seconds);
    LOOPLAB_TRACE_EVENT(instant(trace::Category::slow, "slow callback", message));
    call_exception_handler({std::move(message), nullptr, handle});
}

void EventLoop::set_debug(bool enabled) {
    // Kit, first so that no early return in your region can skip it: run_handle reads the clock
    // before each callback from now on, and your slow-callback check measures from that reading.
    time_callbacks_ = enabled;
    // TODO(lab 05) EventLoop::set_debug: turn debug mode on or off. See TUTORIAL.md#lab-05-the-stall
    debug_ = enabled;
    // END TODO(lab 05)
}

bool EventLoop::get_debug() const {
    // TODO(lab 05) EventLoop::get_debug: is debug mode on? See TUTORIAL.md#lab-05-the-stall
    return debug_;
    // END TODO(lab 05)
}

void EventLoop::set_slow_callback_duration(Duration threshold) {
    // TODO(lab 05) EventLoop::set_slow_callback_duration: remember the threshold for slow callbacks. See TUTORIAL.md#lab-05-the-stall
    slow_callback_duration_ = threshold;
    // END TODO(lab 05)
}

Duration EventLoop::slow_callback_duration() const {
    // TODO(lab 05) EventLoop::slow_callback_duration: the threshold for slow callbacks. See TUTORIAL.md#lab-05-the-stall
    return slow_callback_duration_;
    // END TODO(lab 05)
}

void EventLoop::stop() {
    // TODO(lab 01) EventLoop::stop: ask run_forever to return once the current iteration is done. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    stopping_ = true;
    // END TODO(lab 01)
}

void EventLoop::close() {
    // TODO(lab 01) EventLoop::close: refuse while running; otherwise mark the loop closed (once) and drop the ready queue. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    if (running_) throw std::runtime_error("Cannot close a running event loop");
    if (closed_) return;
    closed_ = true;
    ready_.clear();  // the callbacks will never run: free what they captured now
    // END TODO(lab 01)
    // TODO(lab 02) close_timers: drop every timer too; each one leaves the heap, so cancelling it later is harmless. See TUTORIAL.md#lab-02-timers
    for (TimerEntry& entry : timers_) {
        entry.timer.state_->in_heap = false;
        entry.timer.state_->timer_loop = nullptr;  // the handle may outlive this loop
    }
    timers_.clear();
    cancelled_timers_ = 0;
    // END TODO(lab 02)
    // Lab 06: the default executor refuses new jobs without waiting for the running ones, as
    // asyncio's close() does; its workers are joined when the loop is destroyed.
    shutdown_default_executor_nowait();
}

// (Kit code: close() is lab 01's, the executor lab 06's, and close must not wait.)
void EventLoop::shutdown_default_executor_nowait() {
    if (default_executor_) default_executor_->shutdown(/*wait=*/false);
    default_executor_shut_down_ = true;
}

bool EventLoop::is_running() const {
    // TODO(lab 01) EventLoop::is_running: true between the start and the end of run_forever. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    return running_;
    // END TODO(lab 01)
}

bool EventLoop::is_closed() const {
    // TODO(lab 01) EventLoop::is_closed: true once close() has run. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    return closed_;
    // END TODO(lab 01)
}

void EventLoop::set_exception_handler(ExceptionHandler handler) {
    // TODO(lab 01) EventLoop::set_exception_handler: remember the handler (an empty one means: use the default). See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    exception_handler_ = std::move(handler);
    // END TODO(lab 01)
}

void EventLoop::call_exception_handler(const ExceptionContext& context) {
    // TODO(lab 01) EventLoop::call_exception_handler: give the context to the custom handler, or the default one; if the custom handler throws, report that through the default handler. See TUTORIAL.md#lab-01-callbacks-and-the-ready-queue
    if (!exception_handler_) {
        default_exception_handler(context);
        return;
    }
    try {
        exception_handler_(*this, context);
    } catch (...) {
        // A broken handler must not take the loop down: report it, and the original problem.
        default_exception_handler({"Unhandled error in exception handler (while handling: " + context.message + ")",
                                   std::current_exception(), context.handle});
    }
    // END TODO(lab 01)
}

namespace {

// The trace's "delay_us" for a timer: how far `when` lies ahead of `now`, in whole microseconds;
// 0 for a deadline already past. Each side is converted first, so "never" (TimePoint::max())
// cannot overflow the subtraction.
[[maybe_unused]] std::int64_t delay_us(TimePoint when, TimePoint now) {
    using std::chrono::duration_cast, std::chrono::microseconds;
    const auto ahead = duration_cast<microseconds>(when.time_since_epoch()) -
                       duration_cast<microseconds>(now.time_since_epoch());
    return std::max<std::int64_t>(0, ahead.count());
}

}  // namespace

TimerHandle EventLoop::call_at(TimePoint when, std::function<void()> callback, std::string name) {
    LOOPLAB_TRACE_EVENT(instant(trace::Category::timer, "call_at", name, "delay_us", delay_us(when, time())));
    // TODO(lab 02) EventLoop::call_at: refuse on a closed loop; make a timer handle with its deadline and sequence number, and push it onto the heap. See TUTORIAL.md#lab-02-timers
    check_closed();
    TimerHandle timer(make_handle(std::move(callback), std::move(name), "call_at").state_);
    timer.state_->when = when;
    timer.state_->in_heap = true;
    timer.state_->timer_loop = this;
    timers_.push_back({when, next_timer_sequence_++, timer});
    std::push_heap(timers_.begin(), timers_.end(), timer_later);
    return timer;
    // END TODO(lab 02)
}

TimerHandle EventLoop::call_later(Duration delay, std::function<void()> callback, std::string name) {
    // TODO(lab 02) EventLoop::call_later: a timer due `delay` from now (call_at does the work). See TUTORIAL.md#lab-02-timers
    return call_at(add_saturating(time(), delay), std::move(callback), std::move(name));  // huge delays: "never"
    // END TODO(lab 02)
}

// Called by Handle::cancel() for a timer still in this loop's heap.
void EventLoop::timer_cancelled(const Handle& timer) {
    // TODO(lab 02) EventLoop::timer_cancelled: count a cancelled timer that is still in the heap. See TUTORIAL.md#lab-02-timers
    if (timer.state_->in_heap) ++cancelled_timers_;  // one that already left the heap is not there to clean up
    // END TODO(lab 02)
}

// Cancelled timers stay in the heap until they reach its front (removing one from the middle of
// a heap is expensive). When they are most of a large heap, rebuilding it is cheaper.
void EventLoop::drop_cancelled_timers() {
    // TODO(lab 02) drop_cancelled_timers: rebuild the heap without cancelled timers when there are more than 100 and over half are cancelled; otherwise pop cancelled timers off its front. See TUTORIAL.md#lab-02-timers
    auto leave_heap = [this](TimerEntry& entry) {
        entry.timer.state_->in_heap = false;
        if (entry.timer.cancelled()) --cancelled_timers_;
    };
    if (timers_.size() > 100 && cancelled_timers_ * 2 > timers_.size()) {
        auto cancelled = std::partition(timers_.begin(), timers_.end(), [](const TimerEntry& e) { return !e.timer.cancelled(); });
        std::for_each(cancelled, timers_.end(), leave_heap);
        timers_.erase(cancelled, timers_.end());
        std::make_heap(timers_.begin(), timers_.end(), timer_later);
        return;
    }
    while (!timers_.empty() && timers_.front().timer.cancelled()) {
        std::pop_heap(timers_.begin(), timers_.end(), timer_later);
        leave_heap(timers_.back());
        timers_.pop_back();
    }
    // END TODO(lab 02)
}

// After the wait: every timer whose deadline has come moves to the ready queue, earliest first.
void EventLoop::move_due_timers() {
    // TODO(lab 02) move_due_timers: pop every timer due before time() + clock_resolution off the heap and append it to the ready queue. See TUTORIAL.md#lab-02-timers
    if (timers_.empty()) return;  // no clock read: it costs as much as a small callback
    const TimePoint end = time() + clock_resolution;
    while (!timers_.empty() && timers_.front().when < end) {
        std::pop_heap(timers_.begin(), timers_.end(), timer_later);
        Handle due = std::move(timers_.back().timer);
        timers_.pop_back();
        due.state_->in_heap = false;
        if (due.cancelled()) --cancelled_timers_;  // it was counted; the ready queue skips it
        ready_.push_back(std::move(due));
    }
    // END TODO(lab 02)
}

// Writes "looplab: <message>" and, when there is one, the exception's what() to std::cerr.
void EventLoop::default_exception_handler(const ExceptionContext& context) const {
    std::cerr << "looplab: " << context.message << '\n';
    if (!context.exception) return;
    try {
        std::rethrow_exception(context.exception);
    } catch (const std::exception& error) {
        std::cerr << "  exception: " << error.what() << '\n';
    } catch (...) {
        std::cerr << "  exception: (not a std::exception)\n";
    }
}

}  // namespace looplab
