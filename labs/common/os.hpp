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

}  // namespace looplab::os
