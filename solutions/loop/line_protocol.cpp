// line_protocol.cpp: parsing one request line (lab 09).
#include "line_protocol.hpp"

#include <vector>

namespace looplab {
namespace {

Request error(std::string reply) {
    return Request{Request::Kind::error, std::move(reply)};
}

}  // namespace

Request line_too_long() {
    return error("ERR line too long");
}

Request parse_request(std::string_view line) {
    // TODO(lab 09) looplab::parse_request: drop a trailing '\r'; empty -> "ERR empty line"; a byte outside 0x20..0x7e -> "ERR non-ASCII bytes"; split on single spaces; PING, GET <key>, QUOTE <symbol>, else "ERR unknown command" or the command's usage. See TUTORIAL.md#lab-09-capstone-an-async-service
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return error("ERR empty line");
    for (char c : line) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e) return error("ERR non-ASCII bytes");
    }
    std::vector<std::string_view> words;
    while (true) {
        const std::size_t space = line.find(' ');
        words.push_back(line.substr(0, space));
        if (space == std::string_view::npos) break;
        line.remove_prefix(space + 1);
    }
    const std::string_view command = words.front();
    const bool one_argument = words.size() == 2 && !words[1].empty();
    if (command == "PING") {
        if (words.size() != 1) return error("ERR usage: PING");
        return Request{Request::Kind::ping, ""};
    }
    if (command == "GET") {
        if (!one_argument) return error("ERR usage: GET <key>");
        return Request{Request::Kind::get, std::string(words[1])};
    }
    if (command == "QUOTE") {
        if (!one_argument) return error("ERR usage: QUOTE <symbol>");
        return Request{Request::Kind::quote, std::string(words[1])};
    }
    return error("ERR unknown command");
    // END TODO(lab 09)
}

}  // namespace looplab
