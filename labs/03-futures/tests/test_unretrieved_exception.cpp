// Lab 03 specification, part 3: an exception nobody retrieved is reported ("Future exception was never
// retrieved") when the last copy of its future dies (CPython's test_tb_logger_exception_unretrieved,
// _exception_retrieved, _not_called_after_cancel in Lib/test/test_asyncio/test_futures.py).
// See labs/03-futures/README.md and TUTORIAL.md#lab-03-futures.
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "capture_stderr.hpp"
#include "event_loop.hpp"
#include "future.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // record, schedule_stop, what_thrown, ...: loop_test_helpers.hpp

TEST_CASE("an exception nobody retrieved is reported when the last copy of the future is destroyed",
          "[lab03][report_unretrieved]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);

    INFO("A custom exception handler keeps what it is given. A Future<int> named \"save\" and a copy of it "
         "exist; set_exception(std::runtime_error(\"disk full\")) was called and nobody asked for the result.");
    std::optional<looplab::Future<int>> future{std::in_place, loop, "save"};
    std::optional<looplab::Future<int>> copy = future;
    const std::exception_ptr error = std::make_exception_ptr(std::runtime_error("disk full"));
    future->set_exception(error);

    SECTION("nothing is reported while a copy is still alive") {
        INFO("The original was destroyed; the copy still refers to the same future.");
        future.reset();
        REQUIRE(messages(reports) == std::vector<std::string>{});
    }
    SECTION("destroying the last copy reports it exactly once") {
        INFO("The original, then the copy were destroyed.");
        future.reset();
        copy.reset();
        CAPTURE(messages(reports));
        REQUIRE(reports.size() == 1);
    }
    SECTION("the report's message starts with \"Future exception was never retrieved\"") {
        future.reset();
        copy.reset();
        REQUIRE(reports.size() == 1);
        CAPTURE(reports[0].message);
        REQUIRE(reports[0].message.rfind("Future exception was never retrieved", 0) == 0);
    }
    SECTION("the report carries the exception that was set") {
        future.reset();
        copy.reset();
        REQUIRE(reports.size() == 1);
        INFO("The report's exception_ptr holds: " << what_of(reports[0].exception));
        REQUIRE(reports[0].exception == error);
    }
}

TEST_CASE("with the default exception handler, an unretrieved exception is written to std::cerr",
          "[lab03][report_unretrieved]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("No exception handler was set. set_exception(std::runtime_error(\"disk full\")) was called on a "
         "Future<int>, which was then destroyed while std::cerr was captured.");
    std::optional<looplab::Future<int>> future{std::in_place, loop};
    future->set_exception(std::make_exception_ptr(std::runtime_error("disk full")));
    std::string written;
    {
        CaptureStderr captured;
        future.reset();
        written = captured.text();
    }
    INFO("std::cerr received:\n" << written);

    SECTION("it says the exception was never retrieved") {
        REQUIRE(contains(written, "Future exception was never retrieved"));
    }
    SECTION("it includes the exception's what()") {
        REQUIRE(contains(written, "disk full"));
    }
}

TEST_CASE("an exception that was retrieved is not reported", "[lab03][report_unretrieved][check_result][exception]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);

    INFO("A custom exception handler keeps what it is given. set_exception(std::runtime_error(\"disk full\")) "
         "was called on a Future<int>.");
    std::optional<looplab::Future<int>> future{std::in_place, loop};
    future->set_exception(std::make_exception_ptr(std::runtime_error("disk full")));

    SECTION("result() retrieved it: nothing is reported when the future is destroyed") {
        INFO("result() rethrew the exception, then the future was destroyed. check_result must mark the "
             "exception retrieved.");
        REQUIRE_THROWS_WITH(future->result(), "disk full");
        future.reset();
        REQUIRE(messages(reports) == std::vector<std::string>{});
    }
    SECTION("exception() retrieved it: nothing is reported when the future is destroyed") {
        INFO("exception() returned it, then the future was destroyed. exception() must mark it retrieved.");
        REQUIRE(what_of(future->exception()) == "disk full");
        future.reset();
        REQUIRE(messages(reports) == std::vector<std::string>{});
    }
}

TEST_CASE("cancel() on a future that holds an exception counts as retrieving it: nothing is reported",
          "[lab03][report_unretrieved][cancel]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);

    INFO("A custom exception handler keeps what it is given. set_exception(std::runtime_error(\"disk full\")) "
         "was called on a Future<int>, then cancel(). The future is done, so cancel() returns false, but whoever "
         "called it has dealt with the future: asyncio's cancel() clears the \"log this exception\" flag before "
         "it checks the state.");
    std::optional<looplab::Future<int>> future{std::in_place, loop};
    future->set_exception(std::make_exception_ptr(std::runtime_error("disk full")));
    const bool cancelled = future->cancel();

    SECTION("cancel() returned false: the future was already done") {
        REQUIRE_FALSE(cancelled);
    }
    SECTION("nothing is reported when the future is destroyed") {
        future.reset();
        REQUIRE(messages(reports) == std::vector<std::string>{});
    }
}

TEST_CASE("a future that finished with a value, or was cancelled, reports nothing when destroyed",
          "[lab03][report_unretrieved][finish][cancel]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    std::vector<looplab::ExceptionContext> reports;
    collect_reports(loop, reports);
    std::optional<looplab::Future<int>> future{std::in_place, loop};

    SECTION("finished with a value that nobody read") {
        INFO("set_result(1), then the future was destroyed. Only an exception can go unretrieved.");
        future->set_result(1);
        future.reset();
        REQUIRE(messages(reports) == std::vector<std::string>{});
    }
    SECTION("cancelled while pending") {
        INFO("cancel() returned true, then the future was destroyed. A cancelled future holds no exception.");
        REQUIRE(future->cancel());
        future.reset();
        REQUIRE(messages(reports) == std::vector<std::string>{});
    }
}

TEST_CASE("a future that outlives its loop reports an unretrieved exception on std::cerr instead of crashing",
          "[lab03][report_unretrieved][finish_with_exception]") {
    looplab::testing::VirtualPlatform platform;
    std::optional<looplab::Future<int>> future;
    std::vector<looplab::ExceptionContext> reports;

    INFO("A loop (with a custom exception handler) and a Future<int> of it were made; "
         "set_exception(std::runtime_error(\"disk full\")) was called; then the loop was destroyed, and after it "
         "the future, while std::cerr was captured. There is no loop left to report to: the kit's code around "
         "your report_unretrieved checks loop_alive_ first and writes to std::cerr instead.");
    {
        looplab::EventLoop loop{platform};
        collect_reports(loop, reports);
        future.emplace(loop);
        future->set_exception(std::make_exception_ptr(std::runtime_error("disk full")));
    }
    std::string written;
    {
        CaptureStderr captured;
        future.reset();
        written = captured.text();
    }
    INFO("std::cerr received:\n" << written);

    SECTION("the dead loop's handler was not called") {
        REQUIRE(messages(reports) == std::vector<std::string>{});
    }
    SECTION("std::cerr says the exception was never retrieved") {
        REQUIRE(contains(written, "Future exception was never retrieved"));
    }
}
