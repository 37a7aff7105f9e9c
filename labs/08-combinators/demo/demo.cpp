// Lab 08 demo: three fetches at once, each with a deadline, on your loop.
//
//     results = await asyncio.gather(
//         *(asyncio.wait_for(fetch(name, delay), timeout=0.15) for name, delay in pages),
//         return_exceptions=True)
//
// Part 1 gathers three fetches (80 ms, 250 ms, 120 ms), each under wait_for with a 150 ms
// deadline: the slow one is cancelled at 150 ms, cleans up for 20 ms, and its outcome is a
// TimeoutError; the others keep their pages. Part 2 starts a gather of two long fetches as a task
// of its own and cancels it after 50 ms: both fetches are cancelled with it. The trace shows one
// lane per task: the fetches, their wait_for tasks, and the gathers.
//
//   ./looplab demo 8               runs this on your loop; the trace goes to build/default/traces/
//   lab08_demo_yours [trace.json]  the program itself (default trace file: ./lab08-trace.json)
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "combinators.hpp"
#include "demo_runner.hpp"
#include "task.hpp"

using namespace std::chrono_literals;

namespace {

constexpr looplab::Duration deadline = 150ms;

std::string ms(looplab::Duration duration) {
    return fmt::format("{} ms", std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

// A pretend download: `delay` of waiting, then the page. Cancelled, it cleans up for 20 ms first.
// Parameters by value: the coroutine runs long after the caller's arguments are gone.
looplab::Task<std::string> fetch(std::string name, looplab::Duration delay) {
    looplab::EventLoop& loop = looplab::get_running_loop();
    const looplab::TimePoint start = loop.time();
    std::optional<std::string> cancelled;  // the cancel's message
    try {
        co_await looplab::sleep(delay);
    } catch (const looplab::CancelledError& error) {
        cancelled = error.what();  // (co_await is not allowed inside a catch block)
    }
    if (cancelled) {
        fmt::print("  {}: cancelled after {}, closing the connection\n", name, ms(loop.time() - start));
        co_await looplab::sleep(20ms);
        fmt::print("  {}: closed\n", name);
        throw looplab::CancelledError(*cancelled);  // ends the task cancelled, with the same message
    }
    fmt::print("  {}: done after {}\n", name, ms(delay));
    co_return "<page " + name + ">";
}

looplab::Task<void> part_one() {
    looplab::EventLoop& loop = looplab::get_running_loop();
    const looplab::TimePoint start = loop.time();
    struct Page {
        const char* name;
        looplab::Duration delay;
    };
    const std::vector<Page> pages{{"home", 80ms}, {"search", 250ms}, {"profile", 120ms}};
    std::vector<looplab::Task<std::string>> fetches;
    for (const Page& page : pages) {
        looplab::Task<std::string> download = looplab::create_task(fetch(page.name, page.delay), page.name);
        fetches.push_back(looplab::create_task(looplab::wait_for(download, deadline), fmt::format("wait_for {}", page.name)));
    }
    auto outcomes = co_await looplab::gather_settled(std::move(fetches));
    fmt::print("  gather_settled returned after {}:\n", ms(loop.time() - start));
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        try {
            fmt::print("    {}: {}\n", pages[i].name, outcomes[i].get());
        } catch (const looplab::TimeoutError&) {
            fmt::print("    {}: TimeoutError (no page within {})\n", pages[i].name, ms(deadline));
        }
    }
}

looplab::Task<void> part_two() {
    std::vector<looplab::Task<std::string>> fetches{looplab::create_task(fetch("video", 1s), "video"),
                                                    looplab::create_task(fetch("archive", 2s), "archive")};
    looplab::Task<std::vector<std::string>> both = looplab::create_task(looplab::gather(fetches), "gather");
    co_await looplab::sleep(50ms);
    fmt::print("  main: cancelling the gather after 50 ms\n");
    both.cancel("user pressed stop");
    try {
        co_await both;
    } catch (const looplab::CancelledError& error) {
        fmt::print("  main: the gather ended with CancelledError(\"{}\"); video cancelled: {}, archive cancelled: {}\n",
                   error.what(), fetches[0].cancelled(), fetches[1].cancelled());
    }
}

looplab::Task<void> main_coroutine() {
    fmt::print("Part 1: gather_settled of three fetches, each under wait_for({})\n", ms(deadline));
    co_await part_one();
    fmt::print("\nPart 2: cancelling a gather cancels its children\n");
    co_await part_two();
}

void run_demo() {
    looplab::EventLoop loop;
    looplab::Task<void> main_task = main_coroutine();
    main_task.set_name("main");
    looplab::run_until_complete(loop, main_task);
    loop.close();
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 8, run_demo);
}
