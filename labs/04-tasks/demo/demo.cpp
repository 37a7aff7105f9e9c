// Lab 04 demo: the article's first snippet, on your loop.
//
//     loop = asyncio.get_event_loop()
//     loop.run_until_complete(main())
//
// main() starts two worker tasks that sleep and work in turns, waits for both, and returns a
// result. While one task sleeps the others run; the trace shows one lane per task, with a span
// for every step, and the loop's waits in between.
//
//   ./looplab demo 4               runs this on your loop; the trace goes to build/default/traces/
//   lab04_demo_yours [trace.json]  the program itself (default trace file: ./lab04-trace.json)
#include <chrono>
#include <string>

#include <fmt/format.h>

#include "demo_runner.hpp"
#include "task.hpp"

using namespace std::chrono_literals;

namespace {

// Works `rounds` times, sleeping `pause` before each round. Parameters are taken by value: the
// coroutine keeps running after the caller's arguments are gone.
looplab::Task<int> worker(std::string name, looplab::Duration pause, int rounds) {
    for (int round = 1; round <= rounds; ++round) {
        co_await looplab::sleep(pause);
        fmt::print("  {} round {}\n", name, round);
    }
    co_return rounds;
}

looplab::Task<int> main_coroutine() {
    // 1. Two tasks of their own: they start in the next iteration and run side by side.
    looplab::Task<int> fetch = looplab::create_task(worker("fetch", 120ms, 3), "fetch");
    looplab::Task<int> parse = looplab::create_task(worker("parse", 70ms, 4), "parse");

    // 2. Meanwhile main sleeps too, and awaits a coroutine inline (no task of its own).
    co_await looplab::sleep(50ms);
    int warmup = co_await worker("main", 30ms, 2);

    // 3. Wait for both tasks; their results come back through co_await.
    int done = co_await fetch + co_await parse;
    fmt::print("  main: {} rounds in all\n", warmup + done);
    co_return warmup + done;
}

void run_demo() {
    looplab::EventLoop loop;  // the first loop made on a thread is its current loop

    // 4. The article's snippet, line for line (naming the main task "main" for the trace).
    looplab::EventLoop& current = looplab::get_event_loop();
    looplab::Task<int> main_task = main_coroutine();
    main_task.set_name("main");
    int result = looplab::run_until_complete(current, main_task);
    fmt::print("  run_until_complete returned {}\n", result);
    loop.close();
}

}  // namespace

int main(int argc, char** argv) {
    return looplab::run_lab_demo(argc, argv, 4, run_demo);
}
