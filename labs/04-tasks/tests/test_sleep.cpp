// Lab 04 specification, part 3: looplab::sleep. sleep(d) is a call_later timer and a future the task awaits, so
// the loop sleeps exactly d and runs other tasks meanwhile; sleep(0) is a bare yield of one iteration (CPython's
// test_sleep in Lib/test/test_asyncio/test_tasks.py). See labs/04-tasks/README.md and
// TUTORIAL.md#lab-04-coroutine-tasks.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "task.hpp"
#include "task_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // describe_waits, ...: loop_test_helpers.hpp
using namespace std::chrono_literals;

namespace {

// The journal these tests read: entries stamped with the virtual time or the loop iteration
// (task_test_helpers.hpp).
using Journal = TimedJournal;

// --- The tests' coroutines. Free functions taking their parameters by value: a coroutine may run long
// after its caller returned, so references (and lambda captures) could dangle. ---------------------------

looplab::Task<void> sleeper(Journal* journal, std::string name, looplab::Duration delay) {
    journal->at(name + " starts");
    co_await looplab::sleep(delay);
    journal->at(name + " wakes");
}

looplab::Task<void> sleeps_twice(Journal* journal, looplab::Duration first, looplab::Duration second) {
    journal->at("starts");
    co_await looplab::sleep(first);
    journal->at("wakes from sleep(" + in_words(first) + ")");
    co_await looplab::sleep(second);
    journal->at("wakes from sleep(" + in_words(second) + ")");
}

looplab::Task<void> yields(Journal* journal, looplab::Duration delay) {
    journal->note("before sleep(" + in_words(delay) + ")");
    co_await looplab::sleep(delay);
    journal->note("after sleep(" + in_words(delay) + ")");
}

// Notes "<name>1", "<name>2", ... with a sleep(0) between turns.
looplab::Task<void> takes_turns(Journal* journal, std::string name, int turns) {
    for (int turn = 1; turn <= turns; ++turn) {
        journal->note(name + std::to_string(turn));
        if (turn < turns) co_await looplab::sleep(0ms);
    }
}

}  // namespace

TEST_CASE("sleep(d) resumes the task at start + d after the loop slept exactly d", "[lab04][sleep]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("run_until_complete(loop, A) was called; A runs `co_await looplab::sleep(10ms)`.");
    looplab::run_until_complete(loop, sleeper(&journal, "A", 10ms));

    SECTION("A woke at t=10ms") {
        INFO("sleep(d): call_later(d, a callback that sets a future's result), then co_await that future.");
        REQUIRE(journal.entries == std::vector<std::string>{"t=0ms A starts", "t=10ms A wakes"});
    }
    SECTION("the loop blocked once, for exactly 10 ms") {
        INFO("The waits that did not just poll (timeout 0). A sleeping task schedules nothing, so the wait step "
             "sleeps until the timer's deadline: 10 ms = 10000000ns.");
        REQUIRE(waits_that_slept(platform.waits) == std::vector<std::string>{"10000000ns"});
    }
    SECTION("no timer is left in the heap") {
        REQUIRE(loop.timer_count() == 0);
    }
}

TEST_CASE("sleep(0) gives the loop exactly one iteration and never blocks it", "[lab04][sleep][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    SECTION("the task goes on in the next iteration") {
        INFO("run_until_complete(loop, a task that runs `co_await looplab::sleep(0ms)`) was called. A delay <= 0 is "
             "a bare yield (co_await yield_now()): step() must schedule the next step with call_soon. A call_later(0) "
             "timer would cost an extra iteration; stepping again at once would not let the loop go on at all.");
        looplab::run_until_complete(loop, yields(&journal, 0ms));
        REQUIRE(journal.entries ==
                std::vector<std::string>{"iteration 1: before sleep(0ms)", "iteration 2: after sleep(0ms)"});
    }
    SECTION("the loop never slept: every wait step polled") {
        looplab::run_until_complete(loop, yields(&journal, 0ms));
        REQUIRE(waits_that_slept(platform.waits) == std::vector<std::string>{});
    }
    SECTION("a negative delay behaves the same") {
        INFO("The task runs `co_await looplab::sleep(-5ms)` instead.");
        looplab::run_until_complete(loop, yields(&journal, -5ms));
        REQUIRE(journal.entries ==
                std::vector<std::string>{"iteration 1: before sleep(-5ms)", "iteration 2: after sleep(-5ms)"});
    }
}

TEST_CASE("two tasks that sleep(0) between turns take one turn each per iteration", "[lab04][sleep][step]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("create_task(A), then create_task(B); each notes its turn (A1, A2, A3) with a sleep(0) in between. "
         "run_until_complete(loop, B) was called.");
    looplab::Task<void> a = looplab::create_task(takes_turns(&journal, "A", 3));
    looplab::Task<void> b = looplab::create_task(takes_turns(&journal, "B", 3));
    looplab::run_until_complete(loop, b);

    SECTION("they interleave: A1 B1, then A2 B2, then A3 B3, one pair per iteration") {
        INFO("After a bare yield the next step goes to the back of the ready queue, so the other task runs first.");
        REQUIRE(journal.entries == std::vector<std::string>{"iteration 1: A1", "iteration 1: B1", "iteration 2: A2",
                                                            "iteration 2: B2", "iteration 3: A3", "iteration 3: B3"});
    }
    SECTION("A is done too") {
        REQUIRE(a.done());
    }
}

TEST_CASE("tasks sleeping different times wake in deadline order", "[lab04][sleep]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("create_task was called for C (sleeps 30 ms), A (10 ms) and B (20 ms), in that order; then "
         "run_until_complete(loop, C).");
    looplab::Task<void> c = looplab::create_task(sleeper(&journal, "C", 30ms));
    looplab::Task<void> a = looplab::create_task(sleeper(&journal, "A", 10ms));
    looplab::Task<void> b = looplab::create_task(sleeper(&journal, "B", 20ms));
    looplab::run_until_complete(loop, c);

    SECTION("all start at t=0 in creation order, then each wakes at its own deadline") {
        INFO("While one task sleeps, the others run: a sleep suspends only the task that awaits it.");
        REQUIRE(journal.entries == std::vector<std::string>{"t=0ms C starts", "t=0ms A starts", "t=0ms B starts",
                                                            "t=10ms A wakes", "t=20ms B wakes", "t=30ms C wakes"});
    }
    SECTION("the loop slept three times, 10 ms each") {
        REQUIRE(waits_that_slept(platform.waits) ==
                std::vector<std::string>{"10000000ns", "10000000ns", "10000000ns"});
    }
    SECTION("A and B are done too") {
        REQUIRE(a.done());
        REQUIRE(b.done());
    }
}

TEST_CASE("a task that sleeps twice wakes at the sum of the delays", "[lab04][sleep]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    Journal journal{platform};

    INFO("run_until_complete(loop, a task that sleeps 10 ms, then 5 ms) was called. Each sleep measures its delay "
         "from the loop's time when it is called.");
    looplab::run_until_complete(loop, sleeps_twice(&journal, 10ms, 5ms));

    SECTION("it woke at t=10ms, then at t=15ms") {
        REQUIRE(journal.entries ==
                std::vector<std::string>{"t=0ms starts", "t=10ms wakes from sleep(10ms)", "t=15ms wakes from sleep(5ms)"});
    }
    SECTION("the loop slept 10 ms, then 5 ms") {
        REQUIRE(waits_that_slept(platform.waits) == std::vector<std::string>{"10000000ns", "5000000ns"});
    }
}
