// Lab 03 specification, part 1: a future's states (pending, finished, cancelled) and what result(),
// exception(), set_result, set_exception and cancel() do in each (CPython's test_initial_state,
// test_result, test_exception, test_cancel in Lib/test/test_asyncio/test_futures.py).
// See labs/03-futures/README.md and TUTORIAL.md#lab-03-futures.
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

#include "event_loop.hpp"
#include "future.hpp"
#include "looplab_catch.hpp"
#include "loop_test_helpers.hpp"
#include "virtual_platform.hpp"

using namespace looplab::testing;  // record, schedule_stop, what_thrown, ...: loop_test_helpers.hpp

namespace {

// These tests leave some exceptions unretrieved on purpose; the report that comes when the
// future is destroyed is the subject of test_unretrieved_exception.cpp, so keep it quiet here.
void ignore_loop_reports(looplab::EventLoop& loop) {
    loop.set_exception_handler([](looplab::EventLoop&, const looplab::ExceptionContext&) {});
}

}  // namespace

TEST_CASE("a new future is pending: not done, not cancelled, and it has neither a result nor an exception yet",
          "[lab03][check_result][exception]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("A Future<int> was created and nothing else was done with it.");
    looplab::Future<int> future(loop);

    SECTION("it is neither done nor cancelled") {
        CAPTURE(future.done(), future.cancelled());
        REQUIRE_FALSE(future.done());
        REQUIRE_FALSE(future.cancelled());
    }
    SECTION("result() throws InvalidStateError(\"Result is not ready.\")") {
        INFO("A pending future has no result to give, and it must not block waiting for one.");
        REQUIRE_THROWS_AS(future.result(), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.result(), "Result is not ready.");
    }
    SECTION("exception() throws InvalidStateError(\"Exception is not set.\")") {
        REQUIRE_THROWS_AS(future.exception(), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.exception(), "Exception is not set.");
    }
}

TEST_CASE("set_result finishes the future with that value", "[lab03][finish][check_pending][check_result]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("A Future<int> was created and copied, then set_result(42) was called on the original.");
    looplab::Future<int> future(loop);
    const looplab::Future<int> copy = future;
    future.set_result(42);

    SECTION("it is done and not cancelled") {
        CAPTURE(future.done(), future.cancelled());
        REQUIRE(future.done());
        REQUIRE_FALSE(future.cancelled());
    }
    SECTION("result() returns the value") {
        REQUIRE(future.result() == 42);
    }
    SECTION("exception() returns a null exception_ptr: the future finished without one") {
        REQUIRE(future.exception() == nullptr);
    }
    SECTION("the copy sees the same value: copies of a future share one state") {
        REQUIRE(copy.done());
        REQUIRE(copy.result() == 42);
    }
}

TEST_CASE("set_exception finishes the future with that exception",
          "[lab03][finish_with_exception][check_result][exception]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    ignore_loop_reports(loop);

    INFO("set_exception was called on a pending Future<int> with a ParseError(\"unexpected '}' at line 3\") "
         "(ParseError is the test's own exception type, derived from std::runtime_error).");
    looplab::Future<int> future(loop);
    const std::exception_ptr error = std::make_exception_ptr(ParseError("unexpected '}' at line 3"));
    future.set_exception(error);

    SECTION("it is done and not cancelled") {
        CAPTURE(future.done(), future.cancelled());
        REQUIRE(future.done());
        REQUIRE_FALSE(future.cancelled());
    }
    SECTION("exception() returns the very exception_ptr that was set") {
        const std::exception_ptr returned = future.exception();
        INFO("exception() returned an exception_ptr holding: " << what_of(returned));
        REQUIRE(returned == error);
    }
    SECTION("result() rethrows the stored exception: the same type") {
        INFO("Use std::rethrow_exception, which throws the original ParseError, not a copy sliced to a base class.");
        REQUIRE_THROWS_AS(future.result(), ParseError);
    }
    SECTION("result() rethrows the stored exception: the same what()") {
        REQUIRE_THROWS_WITH(future.result(), "unexpected '}' at line 3");
    }
}

TEST_CASE("cancel() on a pending future cancels it and returns true", "[lab03][cancel][check_result][exception]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("cancel(\"no longer needed\") was called on a pending Future<int>.");
    looplab::Future<int> future(loop);
    const bool returned = future.cancel("no longer needed");

    SECTION("cancel() returned true") {
        REQUIRE(returned);
    }
    SECTION("it is done and cancelled") {
        INFO("A cancelled future is done too: it will never change again.");
        CAPTURE(future.done(), future.cancelled());
        REQUIRE(future.done());
        REQUIRE(future.cancelled());
    }
    SECTION("result() throws CancelledError carrying the cancel message") {
        REQUIRE_THROWS_AS(future.result(), looplab::CancelledError);
        REQUIRE_THROWS_WITH(future.result(), "no longer needed");
    }
    SECTION("exception() throws CancelledError carrying the cancel message") {
        INFO("A cancelled future has no exception to return: asking for it raises CancelledError as well.");
        REQUIRE_THROWS_AS(future.exception(), looplab::CancelledError);
        REQUIRE_THROWS_WITH(future.exception(), "no longer needed");
    }
}

TEST_CASE("a future cancelled without a message throws CancelledError(\"cancelled\")",
          "[lab03][cancel][check_result][exception]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("cancel() was called with no message on a pending Future<int>. The message is then empty, and "
         "the CancelledError says \"cancelled\" instead of nothing.");
    looplab::Future<int> future(loop);
    REQUIRE(future.cancel());

    SECTION("result() throws CancelledError(\"cancelled\")") {
        REQUIRE_THROWS_AS(future.result(), looplab::CancelledError);
        REQUIRE_THROWS_WITH(future.result(), "cancelled");
    }
    SECTION("exception() throws CancelledError(\"cancelled\")") {
        REQUIRE_THROWS_AS(future.exception(), looplab::CancelledError);
        REQUIRE_THROWS_WITH(future.exception(), "cancelled");
    }
}

TEST_CASE("a done future refuses set_result and set_exception with InvalidStateError",
          "[lab03][check_pending][finish_with_exception]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    ignore_loop_reports(loop);
    looplab::Future<int> future(loop);
    const std::exception_ptr error = std::make_exception_ptr(ParseError("bad input"));

    INFO("A future ends exactly once. set_result and set_exception call check_pending(\"set_result\") or "
         "check_pending(\"set_exception\") first, which throws InvalidStateError(\"<operation>: the future is "
         "already done\") unless the future is pending.");
    SECTION("set_result after set_result") {
        INFO("set_result(1), then set_result(2).");
        future.set_result(1);
        REQUIRE_THROWS_AS(future.set_result(2), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.set_result(2), "set_result: the future is already done");
    }
    SECTION("the first result stays after a refused set_result") {
        INFO("set_result(1), then set_result(2), which threw.");
        future.set_result(1);
        REQUIRE_THROWS_AS(future.set_result(2), looplab::InvalidStateError);
        REQUIRE(future.result() == 1);
    }
    SECTION("set_exception after set_result") {
        INFO("set_result(1), then set_exception(ParseError(\"bad input\")).");
        future.set_result(1);
        REQUIRE_THROWS_AS(future.set_exception(error), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.set_exception(error), "set_exception: the future is already done");
    }
    SECTION("set_result after set_exception") {
        INFO("set_exception(ParseError(\"bad input\")), then set_result(1).");
        future.set_exception(error);
        REQUIRE_THROWS_AS(future.set_result(1), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.set_result(1), "set_result: the future is already done");
    }
    SECTION("set_exception after set_exception") {
        INFO("set_exception(ParseError(\"bad input\")) twice.");
        future.set_exception(error);
        REQUIRE_THROWS_AS(future.set_exception(error), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.set_exception(error), "set_exception: the future is already done");
    }
    SECTION("set_result after cancel") {
        INFO("cancel(), then set_result(1).");
        REQUIRE(future.cancel());
        REQUIRE_THROWS_AS(future.set_result(1), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.set_result(1), "set_result: the future is already done");
    }
    SECTION("set_exception after cancel") {
        INFO("cancel(), then set_exception(ParseError(\"bad input\")).");
        REQUIRE(future.cancel());
        REQUIRE_THROWS_AS(future.set_exception(error), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.set_exception(error), "set_exception: the future is already done");
    }
}

TEST_CASE("cancel() on a done future returns false and changes nothing", "[lab03][cancel]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    looplab::Future<int> future(loop);

    SECTION("on a finished future it returns false") {
        INFO("set_result(7), then cancel().");
        future.set_result(7);
        REQUIRE_FALSE(future.cancel());
    }
    SECTION("a finished future stays finished, with its result") {
        INFO("set_result(7), then cancel(), which returned false.");
        future.set_result(7);
        REQUIRE_FALSE(future.cancel());
        REQUIRE_FALSE(future.cancelled());
        REQUIRE(future.result() == 7);
    }
    SECTION("a future finished with an exception keeps it") {
        INFO("set_exception(ParseError(\"bad input\")), then cancel(), which returned false.");
        const std::exception_ptr error = std::make_exception_ptr(ParseError("bad input"));
        future.set_exception(error);
        REQUIRE_FALSE(future.cancel());
        REQUIRE_FALSE(future.cancelled());
        REQUIRE(future.exception() == error);
    }
    SECTION("cancelling twice: the second cancel() returns false and the first message stays") {
        INFO("cancel(\"first\"), then cancel(\"second\").");
        REQUIRE(future.cancel("first"));
        REQUIRE_FALSE(future.cancel("second"));
        REQUIRE_THROWS_WITH(future.result(), "first");
    }
}

TEST_CASE("a Future<void> finishes with set_result() and holds no value",
          "[lab03][finish][check_pending][check_result]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};
    looplab::Future<void> future(loop);

    SECTION("while pending, result() throws InvalidStateError(\"Result is not ready.\")") {
        REQUIRE_THROWS_AS(future.result(), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.result(), "Result is not ready.");
    }
    SECTION("after set_result(), it is done and result() returns without throwing") {
        INFO("set_result() was called with no argument.");
        future.set_result();
        REQUIRE(future.done());
        REQUIRE_NOTHROW(future.result());
    }
    SECTION("after set_result(), exception() returns a null exception_ptr") {
        future.set_result();
        REQUIRE(future.exception() == nullptr);
    }
    SECTION("a second set_result() throws InvalidStateError") {
        future.set_result();
        REQUIRE_THROWS_AS(future.set_result(), looplab::InvalidStateError);
        REQUIRE_THROWS_WITH(future.set_result(), "set_result: the future is already done");
    }
}

TEST_CASE("a future can hold a move-only value such as std::unique_ptr", "[lab03][finish][check_result]") {
    looplab::testing::VirtualPlatform platform;
    looplab::EventLoop loop{platform};

    INFO("set_result(std::make_unique<int>(42)) was called on a Future<std::unique_ptr<int>>. The future "
         "stores the value by moving it in; result() returns a const reference to it.");
    looplab::Future<std::unique_ptr<int>> future(loop);
    future.set_result(std::make_unique<int>(42));

    SECTION("result() gives access to the value") {
        REQUIRE(future.result() != nullptr);
        REQUIRE(*future.result() == 42);
    }
    SECTION("result() does not move the value out: asking twice gives the same object") {
        const std::unique_ptr<int>& first = future.result();
        const std::unique_ptr<int>& second = future.result();
        REQUIRE(&first == &second);
        REQUIRE(second != nullptr);
    }
}
