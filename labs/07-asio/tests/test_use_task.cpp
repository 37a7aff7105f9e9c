// Lab 07 specification, part 2: looplab::use_task, the completion token that makes any Asio operation return a
// looplab future a task can co_await. The completion handler runs on the loop thread inside the wait step and
// completes the future: an error_code becomes a std::system_error (operation_aborted too), anything else the
// result. A looplab sleep and an Asio timer share one loop and interleave in deadline order.
// See labs/07-asio/README.md and TUTORIAL.md#lab-07-natively-async-libraries-asio.
#include <chrono>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <asio/error.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "asio_platform.hpp"
#include "asio_test_helpers.hpp"
#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "use_task.hpp"

using namespace looplab::testing;  // run_until_done, outcome_of, system_error_code: asio_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// --- The tests' coroutines. Free functions taking their parameters by value (pointers for what the test owns): a
// coroutine may run long after its caller returned, so references (and lambda captures) could dangle. ----------

// Waits for `timer` through use_task and says on which thread it resumed and whether the timer had expired.
looplab::Task<std::string> wait_for_timer(asio::steady_timer* timer, std::thread::id loop_thread) {
    co_await timer->async_wait(looplab::use_task);
    const bool on_loop = std::this_thread::get_id() == loop_thread;
    const bool expired = asio::steady_timer::clock_type::now() >= timer->expiry();
    co_return std::string(on_loop ? "on the loop thread" : "on another thread") +
        (expired ? ", after the expiry" : ", before the expiry");
}

// Notes "<name> done" in `log` once `timer` expires.
looplab::Task<void> asio_timer_then_note(asio::steady_timer* timer, std::vector<std::string>* log, std::string name) {
    co_await timer->async_wait(looplab::use_task);
    log->push_back(name + " done");
}

// Notes "<name> done" in `log` after a looplab sleep of `delay`.
looplab::Task<void> sleep_then_note(looplab::Duration delay, std::vector<std::string>* log, std::string name) {
    co_await looplab::sleep(delay);
    log->push_back(name + " done");
}

// Awaits `timer`, catches the std::system_error its cancel brings, then sleeps 1ms: the task goes on.
looplab::Task<std::string> catch_timer_error(asio::steady_timer* timer) {
    std::string caught = "nothing caught";
    try {
        co_await timer->async_wait(looplab::use_task);
    } catch (const std::system_error& error) {
        caught = error.code() == asio::error::operation_aborted ? "caught operation_aborted" : "caught another error";
    }
    co_await looplab::sleep(std::chrono::milliseconds(1));
    co_return caught + ", then slept";
}

// Posts to the io_context with use_task (completion signature void()), then returns 1.
looplab::Task<int> post_and_resume(asio::io_context* context) {
    co_await asio::post(*context, looplab::use_task);
    co_return 1;
}

}  // namespace

TEST_CASE("co_await on an Asio timer with use_task resumes the task on the loop thread after the expiry",
          "[lab07][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    asio::steady_timer timer(platform.context());

    INFO("A task awaits timer.async_wait(looplab::use_task) on a steady_timer that expires after 1ms.");
    timer.expires_after(1ms);
    looplab::Task<std::string> task = looplab::create_task(wait_for_timer(&timer, std::this_thread::get_id()));
    REQUIRE(run_until_done(loop, task));

    INFO("use_task starts the wait at once and returns a pending Future<void>; the completion handler, run inside "
         "the wait step, sets its result; the task's next step runs in the ready queue.");
    REQUIRE(outcome_of(task) == "finished with \"on the loop thread, after the expiry\"");
}

TEST_CASE("cancelling an Asio timer surfaces in the awaiting task as std::system_error with operation_aborted",
          "[lab07][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    asio::steady_timer timer(platform.context());
    std::vector<std::string> log;

    INFO("A task awaits a timer that expires in 1 h; a callback scheduled with call_soon calls timer.cancel().");
    timer.expires_after(1h);
    looplab::Task<void> task = looplab::create_task(asio_timer_then_note(&timer, &log, "timer"));
    loop.call_soon([&] { timer.cancel(); }, "cancel the timer");
    REQUIRE(run_until_done(loop, task));

    INFO("Asio calls the handler with asio::error::operation_aborted. That is an error like any other: the future "
         "ends with a std::system_error carrying the code, and co_await throws it in the task.");
    REQUIRE(log.empty());
    REQUIRE_FALSE(task.cancelled());
    REQUIRE(system_error_code(task.exception()) == std::error_code(asio::error::operation_aborted));
}

TEST_CASE("an Asio error reaches the task as an exception it can catch and the task goes on",
          "[lab07][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    asio::steady_timer timer(platform.context());
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);

    INFO("A task awaits a timer that expires in 1 h inside try { ... } catch (const std::system_error&), then "
         "sleeps 1ms; a callback scheduled with call_soon cancels the timer.");
    timer.expires_after(1h);
    looplab::Task<std::string> task = looplab::create_task(catch_timer_error(&timer));
    loop.call_soon([&] { timer.cancel(); }, "cancel the timer");
    REQUIRE(run_until_done(loop, task));

    INFO("The error is the task's, not the loop's: co_await throws it where the task awaited, the task catches it "
         "and carries on, and nothing goes to the loop's exception handler.");
    REQUIRE(outcome_of(task) == "finished with \"caught operation_aborted, then slept\"");
    REQUIRE(reports.empty());
}

TEST_CASE("a result that arrives after the awaiting task was cancelled is dropped without error",
          "[lab07][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    asio::steady_timer timer(platform.context());
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);

    INFO("A task awaits a timer that expires after 1ms; it is cancelled before its first step ends, then the loop "
         "runs until the task is done, then until a 20ms sleep is over, long after the timer expired.");
    timer.expires_after(1ms);
    looplab::Task<void> task = looplab::create_task(asio_timer_then_note(&timer, nullptr, "unused"));
    loop.call_soon([&] { task.cancel(); }, "cancel the task");
    REQUIRE(run_until_done(loop, task));
    std::vector<std::string> log;
    looplab::Task<void> later = looplab::create_task(sleep_then_note(20ms, &log, "sleep"));
    REQUIRE(run_until_done(loop, later));

    INFO("Cancelling the task cancels the future it awaits, not the Asio operation: the timer's handler still "
         "runs, and finds the future done. Setting a result on it then would throw InvalidStateError out of the "
         "wait step; the handler must drop the late result instead (as lab 06 drops an executor's).");
    REQUIRE(task.cancelled());
    REQUIRE(log == std::vector<std::string>{"sleep done"});
    REQUIRE(reports.empty());
}

TEST_CASE("asio::post with use_task resumes the task through the io_context", "[lab07][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);

    INFO("A task awaits asio::post(platform.context(), looplab::use_task): completion signature void().");
    looplab::Task<int> task = looplab::create_task(post_and_resume(&platform.context()));
    REQUIRE(run_until_done(loop, task));

    REQUIRE(outcome_of(task) == "finished with 1");
}

TEST_CASE("a looplab sleep and an Asio timer interleave in deadline order when the Asio timer is due first",
          "[lab07][wait][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    asio::steady_timer timer(platform.context());
    std::vector<std::string> log;

    INFO("Task `sleep` does looplab::sleep(20ms); task `asio` awaits an Asio timer that has already expired "
         "(expires_after(0ns)). `sleep` was created first.");
    timer.expires_after(0ns);
    looplab::Task<void> sleeper = looplab::create_task(sleep_then_note(20ms, &log, "sleep"));
    looplab::Task<void> asio_timer = looplab::create_task(asio_timer_then_note(&timer, &log, "asio"));
    REQUIRE(run_until_done(loop, sleeper));

    INFO("The wait step sleeps in Asio for at most 20ms (the loop's timeout); the Asio timer's handler ends it "
         "early, so the `asio` task resumes first. One loop, one thread, two kinds of timer.");
    REQUIRE(log == std::vector<std::string>{"asio done", "sleep done"});
}

TEST_CASE("a looplab sleep and an Asio timer interleave in deadline order when the looplab timer is due first",
          "[lab07][wait][complete_from_asio]") {
    looplab::AsioPlatform platform;
    looplab::EventLoop loop(platform);
    asio::steady_timer timer(platform.context());
    std::vector<std::string> log;

    INFO("Task `asio` awaits an Asio timer 20ms away; task `sleep` does looplab::sleep(0ns). `asio` was created "
         "first.");
    timer.expires_after(20ms);
    looplab::Task<void> asio_timer = looplab::create_task(asio_timer_then_note(&timer, &log, "asio"));
    looplab::Task<void> sleeper = looplab::create_task(sleep_then_note(0ns, &log, "sleep"));
    REQUIRE(run_until_done(loop, asio_timer));

    INFO("The loop's own timers do not wait for Asio: the wait step uses the loop's timeout, not Asio's.");
    REQUIRE(log == std::vector<std::string>{"sleep done", "asio done"});
}
