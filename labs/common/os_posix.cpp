// os_posix.cpp: os.hpp for POSIX systems (Linux, macOS, the BSDs).
#include "os.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <fcntl.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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

FileDescriptorsTaken::FileDescriptorsTaken() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        old_soft_limit_ = limit.rlim_cur;
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_cur, 4096);
        limit_lowered_ = setrlimit(RLIMIT_NOFILE, &limit) == 0;
    }
    const int null_device = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_device < 0) return;  // none left already
    taken_.push_back(null_device);
    for (int fd; (fd = ::fcntl(null_device, F_DUPFD_CLOEXEC, 0)) >= 0;) taken_.push_back(fd);
}

void FileDescriptorsTaken::give_back() {
    for (int fd : taken_) ::close(fd);
    taken_.clear();
    if (!limit_lowered_) return;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = static_cast<rlim_t>(old_soft_limit_);
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    limit_lowered_ = false;
}

}  // namespace looplab::os
