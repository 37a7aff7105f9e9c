// os_posix.cpp: os.hpp for POSIX systems (Linux, macOS, the BSDs).
#include "os.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <netdb.h>
#include <sys/socket.h>

#include <memory>
#include <stdexcept>

namespace looplab::os {

std::vector<std::string> resolve_host(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int error = getaddrinfo(host.c_str(), nullptr, &hints, &found); error != 0) {
        throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(error));
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, &freeaddrinfo);
    std::vector<std::string> addresses;
    for (addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
        char text[NI_MAXHOST];
        if (getnameinfo(entry->ai_addr, entry->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0) {
            addresses.emplace_back(text);
        }
    }
    return addresses;
}

std::optional<std::size_t> heap_bytes_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;  // small chunks handed out, plus the big ones malloc mmaps
#else
    return std::nullopt;
#endif
}

}  // namespace looplab::os
