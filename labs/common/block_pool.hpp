// block_pool.hpp: a per-thread cache of freed memory blocks, and an allocator that draws on it.
//
// Why: the loop allocates one Handle::State for every callback it schedules and frees it once
// the callback has run. malloc and free are fast, but not free: in a profile of a million
// chained callbacks they took a tenth of the time. Reusing the block the last callback gave
// back costs two loads and two stores. CPython keeps "free lists" for its small objects for the
// same reason, and Asio recycles the memory of its handlers the same way.
//
// Contract:
// - Every thread has its own cache for each block size, so taking and giving back need no lock.
// - A block may be given back on another thread than the one that took it (call_soon_threadsafe
//   makes a handle on a worker and the loop frees it): it joins the cache of the thread that
//   gives it back. Every block comes from ::operator new, so any thread may also delete it.
// - A cache keeps at most max_cached blocks; more go back to the system at once. A thread's cache
//   is emptied when the thread ends; a block given back after that is deleted at once.
// - Under AddressSanitizer (GCC's or clang's) nothing is cached: every block is deleted, so ASan
//   still catches a handle used after it was freed. (ThreadSanitizer keeps the cache, and so
//   checks it.)
#pragma once

#include <algorithm>
#include <cstddef>
#include <new>

namespace looplab {

namespace detail {

// Is AddressSanitizer on? GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define LOOPLAB_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOOPLAB_UNDER_ASAN 1
#endif
#endif

#if defined(LOOPLAB_UNDER_ASAN)
inline constexpr std::size_t max_cached = 0;
#else
inline constexpr std::size_t max_cached = 4096;  // blocks per size per thread (~600 KiB of handles)
#endif

// One thread's free blocks of one size: a singly linked list threaded through the free blocks
// themselves, so the cache needs no memory of its own.
template <std::size_t Size, std::size_t Align>
class BlockCache {
    static_assert(Size >= sizeof(void*) && Align >= alignof(void*), "a free block must hold the link");

  public:
    static void* take() {
        if (Link* block = head) {
            head = block->next;
            --count;
            return block;
        }
        return ::operator new(Size, std::align_val_t{Align});
    }

    static void give(void* block) noexcept {
        if (count >= max_cached || closed) {
            ::operator delete(block, std::align_val_t{Align});
            return;
        }
        if (count == 0) reaper.armed = true;  // the first use on this thread registers its clean-up
        head = ::new (block) Link{head};
        ++count;
    }

    static std::size_t cached() noexcept { return count; }  // this thread's free blocks (for tests)

  private:
    struct Link {
        Link* next;
    };

    // Empties the cache when its thread ends. The list itself is plain data with no destructor,
    // so it stays usable while other thread_local objects die after the reaper: a block they
    // give back then is deleted at once (closed).
    struct Reaper {
        bool armed = false;
        ~Reaper() {
            closed = true;
            while (Link* block = head) {
                head = block->next;
                ::operator delete(block, std::align_val_t{Align});
            }
            count = 0;
        }
    };

    static inline thread_local Link* head = nullptr;
    static inline thread_local std::size_t count = 0;
    static inline thread_local bool closed = false;
    static inline thread_local Reaper reaper;
};

}  // namespace detail

// A standard allocator for single objects that reuses this thread's freed blocks of the same size.
// Arrays (n > 1) go straight to ::operator new. For std::allocate_shared, which allocates the
// object and its reference counts as one block.
template <class T>
class PooledAllocator {
  public:
    using value_type = T;

    PooledAllocator() = default;
    template <class U>
    PooledAllocator(const PooledAllocator<U>&) noexcept {}  // NOLINT: allocators convert implicitly

    T* allocate(std::size_t n) {
        if (n == 1) return static_cast<T*>(Cache::take());
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignof(T)}));
    }

    void deallocate(T* block, std::size_t n) noexcept {
        if (n == 1) return Cache::give(block);
        ::operator delete(block, std::align_val_t{alignof(T)});
    }

    template <class U>
    bool operator==(const PooledAllocator<U>&) const noexcept {
        return true;  // every instance draws on the same caches
    }

    // The cache this allocator's single objects come from (for tests).
    // A free block holds a link to the next, so it is never smaller than a pointer.
    using Cache = detail::BlockCache<std::max(sizeof(T), sizeof(void*)), std::max(alignof(T), alignof(void*))>;
};

}  // namespace looplab
