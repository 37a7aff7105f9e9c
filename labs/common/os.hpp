// os.hpp: the one place looplab's support code calls the operating system directly.
// Everything else is standard C++ or a named library, so porting the kit means porting this file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace looplab::os {

// The addresses `host` resolves to, as text, through the system's blocking getaddrinfo().
// Throws std::runtime_error with the resolver's message when the name does not resolve.
std::vector<std::string> resolve_host(const std::string& host);

// Bytes of the C++ heap in use right now (allocated and not yet freed), for the benchmarks'
// memory figures. Empty where the C library cannot say (only glibc's mallinfo2 is used).
std::optional<std::size_t> heap_bytes_in_use();

// For tests of a server that runs out of file descriptors: takes every descriptor this process
// has left (under a soft limit lowered to at most 4096, so that takes a moment, not a million
// calls), so the next socket, accept or open fails with EMFILE. Gives them back, and restores the
// limit, on give_back() or when destroyed. Not thread-safe; use it on one thread of a test.
class FileDescriptorsTaken {
  public:
    FileDescriptorsTaken();
    ~FileDescriptorsTaken() { give_back(); }
    FileDescriptorsTaken(const FileDescriptorsTaken&) = delete;
    FileDescriptorsTaken& operator=(const FileDescriptorsTaken&) = delete;

    void give_back();
    std::size_t taken() const { return taken_.size(); }

  private:
    std::vector<int> taken_;
    unsigned long long old_soft_limit_ = 0;
    bool limit_lowered_ = false;
};

}  // namespace looplab::os
