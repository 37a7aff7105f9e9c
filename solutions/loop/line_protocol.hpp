// line_protocol.hpp: the capstone service's wire protocol (lab 09). One request per line, one
// reply line per request, in order. Python: what a handler built on asyncio streams parses after
// `line = await reader.readline()`.
//
//     PING\n            ->  PONG\n
//     GET <key>\n       ->  VALUE <value>\n   or  NOT_FOUND\n
//     QUOTE <symbol>\n  ->  QUOTE <symbol> <price>\n   or  NOT_FOUND\n
//     anything else     ->  ERR <why>\n, and the connection goes on serving
//
// A line may end in "\r\n" as well. Commands are upper case; the argument is one word of
// printable ASCII. A line longer than max_line_length bytes is never buffered whole: the server
// answers "ERR line too long" once its end arrives, and goes on with the next line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "not_implemented.hpp"

namespace looplab {

// The longest request line the server reads, without its '\n'.
inline constexpr std::size_t max_line_length = 1024;

struct Request {
    enum class Kind { ping, get, quote, error };
    Kind kind = Kind::error;
    std::string argument;  // the key or symbol; for Kind::error, the error reply ("ERR ...")
};

// Parses one request line (without its '\n'; a trailing '\r' is dropped). Never throws for bad
// input: a malformed line becomes Kind::error with the reply to send:
//   ""                          -> "ERR empty line"
//   a byte outside printable ASCII (0x20..0x7e) -> "ERR non-ASCII bytes"
//   an unknown first word       -> "ERR unknown command"
//   PING with an argument, GET or QUOTE without exactly one argument (words are separated by
//   one space) -> "ERR usage: PING", "ERR usage: GET <key>", "ERR usage: QUOTE <symbol>"
Request parse_request(std::string_view line);

// The request a line longer than max_line_length stands for: Kind::error, "ERR line too long".
Request line_too_long();

}  // namespace looplab
