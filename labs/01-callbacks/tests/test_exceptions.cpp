// Lab 01 specification, part 3: an exception escaping a callback never escapes the loop. It goes to
// the exception handler (custom or default) and the loop keeps running (CPython's
// test_default_exc_handler_callback, test_set_exc_handler_custom, test_set_exc_handler_broken).
// See labs/01-callbacks/README.md and TUTORIAL.md#lab-01-callbacks-and-the-ready-queue.
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "capture_stderr.hpp"
#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // record, schedule_stop, what_thrown, ...: loop_test_helpers.hpp

namespace {

// Schedules a callback named "boom" that throws std::runtime_error("kaboom").
void schedule_failing_callback(looplab::EventLoop& loop) {
    loop.call_soon([] { throw std::runtime_error("kaboom"); }, "boom");
}

}  // namespace

TEST_CASE("an exception escaping a callback is handed to the exception handler with its context",
          "[lab01][run_handle][call_exception_handler]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;
    const looplab::EventLoop* handler_loop = nullptr;

    INFO("A custom exception handler was set. A callback named \"boom\" that throws "
         "std::runtime_error(\"kaboom\") was scheduled, then a stop, then run_forever was called.");
    loop.set_exception_handler([&](looplab::EventLoop& called_on, const looplab::ExceptionContext& context) {
        handler_loop = &called_on;
        reports.push_back(context);
    });
    schedule_failing_callback(loop);
    schedule_stop(loop);
    loop.run_forever();

    REQUIRE(reports.size() == 1);
    SECTION("the message names the callback") {
        REQUIRE(reports[0].message == "Exception in callback boom");
    }
    SECTION("the context carries the exception the callback threw") {
        INFO("Catch it with catch (...) and pass std::current_exception().");
        REQUIRE(what_of(reports[0].exception) == "kaboom");
    }
    SECTION("the context carries the handle of the failing callback") {
        REQUIRE(static_cast<bool>(reports[0].handle));
        REQUIRE(reports[0].handle.name() == "boom");
    }
    SECTION("the handler is given the loop itself") {
        REQUIRE(handler_loop == &loop);
    }
}

TEST_CASE("the callbacks after a failing one still run", "[lab01][run_handle]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("Scheduled: \"before\", a callback that throws, \"after\", then a stop. run_forever was called "
         "(with an exception handler that only records the message).");
    loop.set_exception_handler([&](looplab::EventLoop&, const looplab::ExceptionContext& context) {
        log.push_back("handler: " + context.message);
    });
    loop.call_soon(record(log, "before"));
    schedule_failing_callback(loop);
    loop.call_soon(record(log, "after"));
    schedule_stop(loop);
    loop.run_forever();

    REQUIRE(log == std::vector<std::string>{"before", "handler: Exception in callback boom", "after"});
}

TEST_CASE("a callback that throws something other than a std::exception is reported too", "[lab01][run_handle]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;

    INFO("A callback named \"answer\" throws the int 42 (C++ can throw anything). A custom handler was set, "
         "then the loop ran with a stop scheduled.");
    loop.set_exception_handler(
        [&](looplab::EventLoop&, const looplab::ExceptionContext& context) { reports.push_back(context); });
    loop.call_soon([] { throw 42; }, "answer");
    schedule_stop(loop);
    loop.run_forever();

    REQUIRE(reports.size() == 1);
    SECTION("the message names the callback") {
        REQUIRE(reports[0].message == "Exception in callback answer");
    }
    SECTION("the context carries the thrown value") {
        REQUIRE(reports[0].exception != nullptr);
        int thrown = 0;
        try {
            std::rethrow_exception(reports[0].exception);
        } catch (int value) {
            thrown = value;
        } catch (...) {
        }
        REQUIRE(thrown == 42);
    }
}

TEST_CASE("the default exception handler writes the message and what() to std::cerr", "[lab01][call_exception_handler]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;

    INFO("No exception handler was set. A callback named \"boom\" throws std::runtime_error(\"kaboom\"); "
         "\"after\" and a stop were scheduled behind it; run_forever ran while std::cerr was captured.");
    std::string written;
    {
        looplab::testing::CaptureStderr captured;
        schedule_failing_callback(loop);
        loop.call_soon(record(log, "after"));
        schedule_stop(loop);
        loop.run_forever();
        written = captured.text();
    }
    INFO("std::cerr received:\n" << written);

    SECTION("it names the failing callback") {
        REQUIRE(contains(written, "Exception in callback boom"));
    }
    SECTION("it includes the exception's what()") {
        REQUIRE(contains(written, "kaboom"));
    }
    SECTION("the loop kept running") {
        REQUIRE(log == std::vector<std::string>{"after"});
    }
}

TEST_CASE("an exception handler that throws is reported and the loop keeps running", "[lab01][call_exception_handler]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<std::string> log;
    int handler_calls = 0;

    INFO("The custom exception handler itself throws std::runtime_error(\"the handler broke\"). A callback "
         "named \"boom\" throws; \"after\" and a stop were scheduled behind it; run_forever ran while "
         "std::cerr was captured. call_exception_handler must never throw: it reports the handler's failure "
         "through the default handler instead.");
    loop.set_exception_handler([&](looplab::EventLoop&, const looplab::ExceptionContext&) {
        ++handler_calls;
        throw std::runtime_error("the handler broke");
    });
    std::string written;
    {
        looplab::testing::CaptureStderr captured;
        schedule_failing_callback(loop);
        loop.call_soon(record(log, "after"));
        schedule_stop(loop);
        loop.run_forever();
        written = captured.text();
    }
    INFO("std::cerr received:\n" << written);

    SECTION("the custom handler was called once") {
        REQUIRE(handler_calls == 1);
    }
    SECTION("std::cerr says Unhandled error in exception handler") {
        REQUIRE(contains(written, "Unhandled error in exception handler"));
    }
    SECTION("std::cerr includes the handler's own exception") {
        REQUIRE(contains(written, "the handler broke"));
    }
    SECTION("the callbacks after the failing one still run") {
        REQUIRE(log == std::vector<std::string>{"after"});
    }
}

TEST_CASE("setting an empty exception handler restores the default one", "[lab01][set_exception_handler][call_exception_handler]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    int custom_calls = 0;

    INFO("A custom exception handler was set, then replaced by an empty one. A callback named \"boom\" "
         "throws; run_forever ran (with a stop scheduled) while std::cerr was captured.");
    loop.set_exception_handler([&](looplab::EventLoop&, const looplab::ExceptionContext&) { ++custom_calls; });
    loop.set_exception_handler(looplab::ExceptionHandler{});
    std::string written;
    {
        looplab::testing::CaptureStderr captured;
        schedule_failing_callback(loop);
        schedule_stop(loop);
        loop.run_forever();
        written = captured.text();
    }
    INFO("std::cerr received:\n" << written);

    SECTION("the custom handler is not called any more") {
        REQUIRE(custom_calls == 0);
    }
    SECTION("the default handler reports the exception on std::cerr") {
        REQUIRE(contains(written, "Exception in callback boom"));
    }
}
