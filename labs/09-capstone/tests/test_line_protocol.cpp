// Lab 09 specification, part 1: the line protocol. parse_request turns one request line into a Request: PING,
// GET <key>, QUOTE <symbol>, or an error carrying the ERR reply to send. It never throws for bad input: a
// server answers garbage and goes on serving. (asyncio: what a handler does with `await reader.readline()`.)
// See labs/09-capstone/README.md and TUTORIAL.md#lab-09-capstone-an-async-service.
#include <string>

#include "line_protocol.hpp"
#include "looplab_catch.hpp"

using Kind = looplab::Request::Kind;

namespace {

// A request in words, for comparisons: "PING", "GET answer", "ERR unknown command".
std::string in_words(const looplab::Request& request) {
    switch (request.kind) {
        case Kind::ping: return "PING";
        case Kind::get: return "GET " + request.argument;
        case Kind::quote: return "QUOTE " + request.argument;
        case Kind::error: return request.argument;
    }
    return "?";
}

std::string parsed(const std::string& line) {
    return in_words(looplab::parse_request(line));
}

}  // namespace

TEST_CASE("PING, GET and QUOTE lines parse into their requests", "[lab09][parse_request]") {
    INFO("parse_request gets a line without its '\\n'.");
    REQUIRE(parsed("PING") == "PING");
    REQUIRE(parsed("GET answer") == "GET answer");
    REQUIRE(parsed("QUOTE ACME") == "QUOTE ACME");
}

TEST_CASE("a trailing carriage return is dropped, so CRLF clients work too", "[lab09][parse_request]") {
    INFO("telnet and many clients end lines with \"\\r\\n\"; the reader cut the '\\n', the parser drops the '\\r'.");
    REQUIRE(parsed("PING\r") == "PING");
    REQUIRE(parsed("GET answer\r") == "GET answer");
}

TEST_CASE("an empty line is an error, not a request", "[lab09][parse_request]") {
    REQUIRE(parsed("") == "ERR empty line");
    REQUIRE(parsed("\r") == "ERR empty line");
}

TEST_CASE("an unknown or lower-case command is ERR unknown command", "[lab09][parse_request]") {
    INFO("Commands are upper case and matched exactly.");
    REQUIRE(parsed("SET answer 43") == "ERR unknown command");
    REQUIRE(parsed("get answer") == "ERR unknown command");
    REQUIRE(parsed("PINGPONG") == "ERR unknown command");
    REQUIRE(parsed(" PING") == "ERR unknown command");
}

TEST_CASE("a command with the wrong arguments gets its usage", "[lab09][parse_request]") {
    INFO("GET and QUOTE take exactly one word, PING none; words are separated by one space.");
    REQUIRE(parsed("GET") == "ERR usage: GET <key>");
    REQUIRE(parsed("GET ") == "ERR usage: GET <key>");
    REQUIRE(parsed("GET a b") == "ERR usage: GET <key>");
    REQUIRE(parsed("GET  answer") == "ERR usage: GET <key>");
    REQUIRE(parsed("QUOTE") == "ERR usage: QUOTE <symbol>");
    REQUIRE(parsed("PING now") == "ERR usage: PING");
}

TEST_CASE("bytes outside printable ASCII are refused", "[lab09][parse_request]") {
    INFO("UTF-8 (\"caf\\xc3\\xa9\"), a NUL byte, a tab and DEL are all outside 0x20..0x7e.");
    REQUIRE(parsed("GET caf\xc3\xa9") == "ERR non-ASCII bytes");
    REQUIRE(parsed(std::string("GET a\0b", 7)) == "ERR non-ASCII bytes");
    REQUIRE(parsed("GET\tanswer") == "ERR non-ASCII bytes");
    REQUIRE(parsed("PING\x7f") == "ERR non-ASCII bytes");
}
