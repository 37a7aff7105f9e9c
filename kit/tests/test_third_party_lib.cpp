// third_party_lib (labs/common/third_party_lib.hpp), the blocking library of labs 05-06: each
// call really reaches its library and returns what that library computed.
#include <algorithm>
#include <string>

#include "looplab_catch.hpp"
#include "third_party_lib.hpp"

TEST_CASE("slow_query sums 1..n with SQLite", "[kit][third_party_lib]") {
    CHECK(third_party_lib::slow_query(10) == 55);
    CHECK(third_party_lib::slow_query(100000) == 5000050000);
}

TEST_CASE("compress shrinks repetitive text with zlib", "[kit][third_party_lib]") {
    std::size_t compressed = third_party_lib::compress(100000);
    CHECK(compressed > 0);
    CHECK(compressed < 100000 / 4);
}

TEST_CASE("resolve finds the loopback address of localhost", "[kit][third_party_lib]") {
    auto addresses = third_party_lib::resolve("localhost");
    CAPTURE(addresses);
    bool loopback = std::any_of(addresses.begin(), addresses.end(),
                                [](const std::string& a) { return a == "127.0.0.1" || a == "::1"; });
    CHECK(loopback);
}
