// Stress, part 5: the cache of freed blocks that every handle's memory comes from
// (labs/common/block_pool.hpp). A block given back is reused by the thread that gave it back,
// whichever thread took it; a cache never grows past its bound; handles made on worker threads
// and freed on the loop thread stay valid all along (ThreadSanitizer checks the hand-over).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include "block_pool.hpp"
#include "event_loop.hpp"
#include "looplab_catch.hpp"
#include "stress_helpers.hpp"

using looplab::PooledAllocator;
using looplab::detail::max_cached;

namespace {

struct Payload {
    long words[8];  // 64 bytes: its own block size, shared with nothing else in these tests
};
using Cache = PooledAllocator<Payload>::Cache;

// Empties this thread's cache of Payload blocks, so each test starts from nothing cached.
void drain() {
    std::vector<void*> taken;
    while (Cache::cached() > 0) taken.push_back(Cache::take());
    for (void* block : taken) ::operator delete(block, std::align_val_t{alignof(Payload)});
}

}  // namespace

// Under AddressSanitizer nothing is cached (max_cached is 0), so that ASan still sees every
// handle freed; the tests below then check that instead.
TEST_CASE("a block given back is the next block taken on the same thread", "[stress][pool]") {
    drain();
    PooledAllocator<Payload> allocator;
    Payload* first = allocator.allocate(1);
    allocator.deallocate(first, 1);
    CHECK(Cache::cached() == std::min<std::size_t>(1, max_cached));
    if (max_cached == 0) return;  // deleted at once: nothing to reuse
    Payload* second = allocator.allocate(1);
    CHECK(second == first);
    CHECK(Cache::cached() == 0);
    allocator.deallocate(second, 1);
    drain();
}

TEST_CASE("a block taken on a worker thread and given back on this one joins this thread's cache",
          "[stress][pool]") {
    drain();
    PooledAllocator<Payload> allocator;
    Payload* from_worker = nullptr;
    std::thread worker([&] { from_worker = allocator.allocate(1); });
    worker.join();  // the join orders the worker's allocation before this thread's use
    allocator.deallocate(from_worker, 1);
    CHECK(Cache::cached() == std::min<std::size_t>(1, max_cached));
    if (max_cached == 0) return;
    CHECK(allocator.allocate(1) == from_worker);
    allocator.deallocate(from_worker, 1);
    drain();
}

TEST_CASE("a cache keeps at most max_cached blocks and deletes the rest", "[stress][pool]") {
    drain();
    PooledAllocator<Payload> allocator;
    std::vector<Payload*> blocks;
    for (std::size_t i = 0; i < max_cached + 10; ++i) blocks.push_back(allocator.allocate(1));
    for (Payload* block : blocks) allocator.deallocate(block, 1);
    CHECK(Cache::cached() == max_cached);
    drain();
}

TEST_CASE("handles made on worker threads and run on the loop thread reuse their blocks safely",
          "[stress][pool]") {
    constexpr int threads = 4;
    const int per_thread = looplab::stress::scaled(20'000);
    looplab::EventLoop loop;
    std::atomic<int> ran = 0;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            // Each worker's handles are freed on the loop thread, and the loop's own handles
            // (the callbacks scheduling more) reuse those blocks meanwhile.
            for (int i = 0; i < per_thread; ++i) {
                loop.call_soon_threadsafe([&loop, &ran] { loop.call_soon([&ran] { ++ran; }); });
            }
        });
    }
    for (auto& worker : workers) worker.join();
    loop.call_soon_threadsafe([&loop] { loop.call_soon([&loop] { loop.stop(); }); });
    REQUIRE_FALSE(looplab::stress::run_bounded(loop));
    CHECK(ran == threads * per_thread);
}
