// fuzz_request_parser.cpp: libFuzzer target for the capstone's wire protocol on the reference
// loop (solutions/loop: parse_request, line_too_long, format_reply). An input is what a client
// sends down one connection. It is cut into lines the way the server's LineReader cuts them (at
// '\n'; a line longer than max_line_length is "too long"), and every line must:
//   - parse to PING, GET <key>, QUOTE <symbol>, or one of the documented ERR replies, never throw;
//   - be exactly the request it parsed to, written back ("GET k", an optional '\r'), and that
//     text must parse to the same request again (the round trip);
//   - get the documented error for an empty line and for a byte outside printable ASCII;
//   - get a reply (found or not) that is one line of printable ASCII: no '\n', no '\r'.
// The socket side of LineReader is not driven here: it needs a connection, not just bytes.
// Build and run: ./looplab fuzz request_parser; ./looplab test replays fuzz/corpus/.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "line_protocol.hpp"
#include "service.hpp"

using looplab::Request;

namespace {

// Says which invariant broke and on which line (printable bytes as they are, others as \xNN),
// then aborts: libFuzzer saves the input, the replay program names it.
void require(bool condition, const char* invariant, std::string_view line) {
    if (condition) return;
    std::string shown;
    for (char c : line) {
        const auto byte = static_cast<unsigned char>(c);
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02x", byte);
        shown += (byte >= 0x20 && byte <= 0x7e && c != '\\') ? std::string(1, c) : std::string(hex);
    }
    std::fprintf(stderr, "fuzz_request_parser: broken invariant: %s\n  on the line \"%s\"\n", invariant, shown.c_str());
    std::abort();
}

bool printable(std::string_view text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e) return false;
    }
    return true;
}

// The error replies line_protocol.hpp documents; nothing else may come back as Kind::error.
bool documented_error(const std::string& reply) {
    static constexpr std::array<std::string_view, 7> replies = {
        "ERR empty line",       "ERR non-ASCII bytes",       "ERR unknown command", "ERR usage: PING",
        "ERR usage: GET <key>", "ERR usage: QUOTE <symbol>", "ERR line too long"};
    for (std::string_view known : replies) {
        if (reply == known) return true;
    }
    return false;
}

// The line a client sends for `request` (Kind::error has none).
std::string written_back(const Request& request) {
    switch (request.kind) {
        case Request::Kind::ping: return "PING";
        case Request::Kind::get: return "GET " + request.argument;
        case Request::Kind::quote: return "QUOTE " + request.argument;
        case Request::Kind::error: break;
    }
    return {};
}

bool same(const Request& a, const Request& b) {
    return a.kind == b.kind && a.argument == b.argument;
}

// Both replies to `request`, not found and found (with a value a lookup could return), are one
// printable line, and say what the protocol table says.
void check_replies(const Request& request, std::string_view line) {
    const std::string missing = looplab::format_reply(request, std::nullopt);
    const std::string found = looplab::format_reply(request, std::string("42.5"));
    require(!missing.empty() && printable(missing) && !found.empty() && printable(found),
            "a reply is one non-empty line of printable ASCII", line);
    switch (request.kind) {
        case Request::Kind::ping:
            return require(missing == "PONG" && found == "PONG", "PING is answered PONG", line);
        case Request::Kind::error:
            return require(missing == request.argument && found == request.argument, "an error's reply is its ERR line", line);
        case Request::Kind::get:
            return require(missing == "NOT_FOUND" && found == "VALUE 42.5", "GET is answered NOT_FOUND or VALUE v", line);
        case Request::Kind::quote:
            return require(missing == "NOT_FOUND" && found == "QUOTE " + request.argument + " 42.5",
                           "QUOTE is answered NOT_FOUND or QUOTE sym p", line);
    }
    require(false, "the request's kind is one of ping, get, quote, error", line);
}

void check_line(std::string_view line) {
    const Request request = line.size() > looplab::max_line_length ? looplab::line_too_long() : looplab::parse_request(line);
    std::string_view text = line;  // the line as parse_request reads it: without one trailing '\r'
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);

    if (line.size() > looplab::max_line_length) {
        require(request.kind == Request::Kind::error && request.argument == "ERR line too long", "a long line is ERR line too long", line);
    } else if (text.empty()) {
        require(request.kind == Request::Kind::error && request.argument == "ERR empty line", "an empty line is ERR empty line", line);
    } else if (!printable(text)) {
        require(request.kind == Request::Kind::error && request.argument == "ERR non-ASCII bytes", "a non-printable byte is ERR non-ASCII bytes", line);
    } else if (request.kind == Request::Kind::error) {
        require(documented_error(request.argument) && request.argument != "ERR non-ASCII bytes" &&
                    request.argument != "ERR empty line" && request.argument != "ERR line too long",
                "a printable line's error is unknown command or a usage", line);
    } else {
        require(written_back(request) == text, "a parsed request is exactly the line that was sent", line);
        require(request.kind == Request::Kind::ping || (!request.argument.empty() && request.argument.find(' ') == std::string::npos),
                "a key or symbol is one non-empty word", line);
        require(same(looplab::parse_request(written_back(request)), request) &&
                    same(looplab::parse_request(written_back(request) + "\r"), request),
                "a request written back parses to itself, with or without '\\r'", line);
    }
    check_replies(request, line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view stream(reinterpret_cast<const char*>(data), size);
    // The server drops a last line without '\n'; it is checked too, since any line must parse.
    while (!stream.empty()) {
        const std::size_t end = stream.find('\n');
        check_line(stream.substr(0, end));
        if (end == std::string_view::npos) break;
        stream.remove_prefix(end + 1);
    }
    return 0;
}
