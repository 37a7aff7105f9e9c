// trace_loader.cpp: reading a trace file with simdjson's On-Demand API. The only file that knows
// JSON: it reads each event's fields into a RawEvent and leaves the meaning to TraceBuilder.
//
// Two kinds of trouble, kept apart. A broken document (truncated, not JSON, too deep) stops the
// load with one sentence naming the file. A well-formed event with a field of the wrong type is
// only skipped and counted. On-Demand leaves a value it failed to convert unconsumed, so after
// INCORRECT_TYPE or NUMBER_ERROR the iteration simply moves on to the next field.
#include <algorithm>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <simdjson.h>

#include "trace_builder.hpp"

namespace looplab::viewer {

namespace {

namespace od = simdjson::ondemand;
using detail::RawEvent;
using detail::RawId;
using simdjson::error_code;

// Errors about one value's type or number format: the event is skipped, the document goes on.
bool recoverable(error_code error) {
    return error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_ERROR ||
           error == simdjson::NUMBER_OUT_OF_RANGE || error == simdjson::STRING_ERROR;
}

// Reads a pid, tid or id: a number (integral, possibly written as a double) or a string.
error_code read_id(od::value value, RawId& out) {
    od::json_type type;
    if (auto error = value.type().get(type)) return error;
    out.kind = RawId::Kind::bad;
    if (type == od::json_type::string) {
        if (auto error = value.get_string().get(out.text); error && !recoverable(error)) return error;
        else if (!error) out.kind = RawId::Kind::text;
        return simdjson::SUCCESS;
    }
    if (type != od::json_type::number) return simdjson::SUCCESS;
    std::int64_t signed_value = 0;
    std::uint64_t unsigned_value = 0;
    double real = 0;
    if (!value.get_int64().get(signed_value)) {
        out.number = signed_value;
    } else if (!value.get_uint64().get(unsigned_value)) {
        out.number = static_cast<std::int64_t>(unsigned_value);
    } else if (!value.get_double().get(real) && real == real && real >= -9.2e18 && real <= 9.2e18) {
        out.number = static_cast<std::int64_t>(real);
    } else {
        return simdjson::SUCCESS;  // 1e999 and friends: kind stays bad
    }
    out.kind = RawId::Kind::number;
    return simdjson::SUCCESS;
}

// Reads a string field; a value of another type marks the field bad.
error_code read_string(od::value value, std::string_view& out, RawEvent::Field& state) {
    auto error = value.get_string().get(out);
    if (error && !recoverable(error)) return error;
    state = error ? RawEvent::Field::bad : RawEvent::Field::ok;
    return simdjson::SUCCESS;
}

error_code read_number(od::value value, double& out, RawEvent::Field& state) {
    auto error = value.get_double().get(out);
    if (error && !recoverable(error)) return error;
    state = error ? RawEvent::Field::bad : RawEvent::Field::ok;
    return simdjson::SUCCESS;
}

// Reads the args object: the fields the model uses, every numeric one (for counters), and the
// object's own text, found from the parser's position before and after it (On-Demand cannot both
// iterate an object and hand back its raw text).
error_code read_args(od::value value, RawEvent& event) {
    const char* begin = nullptr;
    if (value.current_location().get(begin)) return simdjson::SUCCESS;
    od::object args;
    if (auto error = value.get_object().get(args)) return recoverable(error) ? simdjson::SUCCESS : error;
    for (auto field : args) {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        od::value arg = field.value();
        od::json_type type;
        if (auto error = arg.type().get(type)) return error;
        if (key == "task") {
            if (auto error = read_id(arg, event.task)) return error;
        } else if (type == od::json_type::number) {
            double number = 0;
            if (auto error = arg.get_double().get(number)) {
                if (!recoverable(error)) return error;
                continue;
            }
            if (key == "delay_us") event.delay_us = number;
            if (event.number_count < event.numbers.size()) event.numbers[event.number_count++] = {key, number};
        } else if (type == od::json_type::string && (key == "detail" || key == "name")) {
            const bool detail = key == "detail";
            RawEvent::Field state{};
            if (auto error = read_string(arg, detail ? event.detail : event.arg_name, state)) return error;
            (detail ? event.has_detail : event.has_arg_name) = state == RawEvent::Field::ok;
        }
    }
    const char* end = nullptr;
    if (value.current_location().get(end) || end < begin) return simdjson::SUCCESS;
    while (end > begin && end[-1] != '}') --end;  // drop the whitespace and comma after the object
    event.has_args = true;
    event.args_json = std::string_view(begin, static_cast<std::size_t>(end - begin));
    return simdjson::SUCCESS;
}

// Reads one event object's fields. Returns only errors that break the document.
error_code read_event(od::object object, RawEvent& event) {
    for (auto field : object) {
        od::raw_json_string key;
        if (auto error = field.key().get(key)) return error;
        od::value value = field.value();
        error_code error = simdjson::SUCCESS;
        if (key == "ph") error = read_string(value, event.ph, event.ph_state);
        else if (key == "ts") error = read_number(value, event.ts, event.ts_state);
        else if (key == "dur") error = read_number(value, event.dur, event.dur_state);
        else if (key == "name") error = read_string(value, event.name, event.name_state);
        else if (key == "cat") error = read_string(value, event.cat, event.cat_state);
        else if (key == "pid") error = read_id(value, event.pid);
        else if (key == "tid") error = read_id(value, event.tid);
        else if (key == "id") error = read_id(value, event.id);
        else if (key == "args") error = read_args(value, event);
        else if (key == "bp") {
            RawEvent::Field ignored{};
            error = read_string(value, event.bp, ignored);
        }
        if (error) return error;
    }
    return simdjson::SUCCESS;
}

// Feeds every element of the events array to the builder.
error_code read_events(od::array events, detail::TraceBuilder& builder) {
    for (auto element : events) {
        od::value value;
        if (auto error = element.get(value)) return error;
        builder.count_event();
        od::object object;
        if (auto error = value.get_object().get(object)) {
            if (!recoverable(error)) return error;
            builder.skip(detail::Skip::not_object);
            continue;
        }
        RawEvent event;
        if (auto error = read_event(object, event)) return error;
        builder.add(event);
    }
    return simdjson::SUCCESS;
}

// The JSON Object Format: {"traceEvents": [...], "otherData": {"producer": ...}, ...}.
// `found` says whether a traceEvents array was there.
error_code read_trace_object(od::object root, detail::TraceBuilder& builder, bool& found) {
    for (auto field : root) {
        od::raw_json_string key;
        if (auto error = field.key().get(key)) return error;
        od::value value = field.value();
        if (key == "traceEvents") {
            od::array events;
            if (auto error = value.get_array().get(events)) {
                if (!recoverable(error)) return error;
                continue;
            }
            found = true;
            if (auto error = read_events(events, builder)) return error;
        } else if (key == "otherData") {
            od::object other;
            if (value.get_object().get(other)) continue;
            for (auto item : other) {
                od::raw_json_string item_key;
                if (auto error = item.key().get(item_key)) return error;
                std::string_view producer;
                if (item_key == "producer" && !item.value().get_string().get(producer)) builder.set_producer(producer);
            }
        }
    }
    return simdjson::SUCCESS;
}

// How the text's brackets nest, strings skipped: used only to explain a failure.
struct Nesting {
    std::int64_t open_at_end = 0;  // brackets never closed
    std::int64_t deepest = 0;
    bool in_string_at_end = false;
};

Nesting scan_nesting(std::string_view json) {
    Nesting nesting;
    std::int64_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            nesting.deepest = std::max(nesting.deepest, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    nesting.open_at_end = depth;
    nesting.in_string_at_end = in_string;
    return nesting;
}

std::string too_deep(const std::string& name) {
    return fmt::format("{}: the JSON nests deeper than {} levels, which no trace does: is this the right file?", name,
                       simdjson::DEFAULT_MAX_DEPTH);
}

std::string_view describe(error_code error) {
    switch (error) {
        case simdjson::TAPE_ERROR:
        case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: return "a comma, colon or bracket is missing or out of place";
        case simdjson::T_ATOM_ERROR:
        case simdjson::F_ATOM_ERROR:
        case simdjson::N_ATOM_ERROR: return "there is a word that is not true, false or null";
        case simdjson::UNESCAPED_CHARS: return "a string holds a raw control character (tabs and newlines must be written \\t and \\n)";
        case simdjson::UNCLOSED_STRING: return "a string is never closed";
        case simdjson::NUMBER_ERROR: return "a number cannot be read";
        case simdjson::STRING_ERROR: return "a string has a bad escape sequence";
        default: return "the text breaks the JSON grammar";
    }
}

// One sentence for a broken document. `at` is the parser's byte offset, or npos when unknown.
std::string document_error(error_code error, std::string_view json, std::size_t at, const std::string& name) {
    const Nesting nesting = scan_nesting(json);
    if (error == simdjson::DEPTH_ERROR || nesting.deepest > static_cast<std::int64_t>(simdjson::DEFAULT_MAX_DEPTH))
        return too_deep(name);
    if (error == simdjson::UTF8_ERROR)
        return fmt::format("{}: this is not a text file (it is not valid UTF-8), so it cannot be a trace.", name);
    if (error == simdjson::CAPACITY || error == simdjson::MEMALLOC)
        return fmt::format("{}: the file is too large to parse in the memory available.", name);
    const std::size_t first = json.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && json[first] != '{' && json[first] != '[') {
        const char c = json[first];
        const std::string shown = c >= 0x20 && c < 0x7f ? fmt::format("'{}'", c) : fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
        return fmt::format("{}: this is not a trace: a trace starts with '{{' or '[', but this file starts with {}.", name, shown);
    }
    if (nesting.open_at_end > 0 || nesting.in_string_at_end)
        return fmt::format("{}: the JSON ends early at byte {} of {}. Was the file truncated (did the program crash "
                           "before writing it all)?",
                           name, json.size(), json.size());
    if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT)
        return fmt::format("{}: this is not valid JSON: there is more text after the end of the trace (or a bracket "
                           "too many).",
                           name);
    if (at == std::string_view::npos) return fmt::format("{}: this is not valid JSON: {}.", name, describe(error));
    return fmt::format("{}: this is not valid JSON: {} near byte {} of {}.", name, describe(error), std::min(at, json.size()),
                       json.size());
}

std::string not_a_trace(const std::string& name) {
    return fmt::format("{}: this is JSON, but not a trace: expected an object with a \"traceEvents\" array, or an array "
                       "of events.",
                       name);
}

// Parses a padded buffer. Contract: never throws (bad_alloc included), never reads past the
// padding, and names `name` in every error.
LoadResult parse_padded(simdjson::padded_string_view json, const std::string& name) {
    std::string_view text(json.data(), json.size());
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
    if (text.empty()) return LoadError{fmt::format("{}: the file is empty.", name)};
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return LoadError{fmt::format("{}: the file is empty (it holds only whitespace).", name)};
    try {
        od::parser parser;
        od::document document;
        const std::size_t capacity = json.capacity() - static_cast<std::size_t>(text.data() - json.data());
        detail::TraceBuilder builder(name);
        auto where = [&]() {
            const char* location = nullptr;
            if (document.current_location().get(location)) return text.size();
            return static_cast<std::size_t>(location - text.data());
        };
        if (auto error = parser.iterate(text.data(), text.size(), capacity).get(document))
            return LoadError{document_error(error, text, std::string_view::npos, name)};
        od::json_type type;
        if (auto error = document.type().get(type)) return LoadError{document_error(error, text, where(), name)};
        if (type == od::json_type::array) {
            od::array events;
            if (auto error = document.get_array().get(events)) return LoadError{document_error(error, text, where(), name)};
            if (auto error = read_events(events, builder)) return LoadError{document_error(error, text, where(), name)};
        } else if (type == od::json_type::object) {
            od::object root;
            bool found = false;
            if (auto error = document.get_object().get(root)) return LoadError{document_error(error, text, where(), name)};
            if (auto error = read_trace_object(root, builder, found)) return LoadError{document_error(error, text, where(), name)};
            if (!found) return LoadError{not_a_trace(name)};
        } else {
            return LoadError{not_a_trace(name)};
        }
        LoadResult result = builder.finish();
        // A document of nothing but nested arrays parses (On-Demand skips what it is not asked
        // to read) and yields no events; its depth is the better explanation.
        if (std::holds_alternative<LoadError>(result) &&
            scan_nesting(text).deepest > static_cast<std::int64_t>(simdjson::DEFAULT_MAX_DEPTH))
            return LoadError{too_deep(name)};
        return result;
    } catch (const std::bad_alloc&) {
        return LoadError{fmt::format("{}: the computer ran out of memory while loading this trace.", name)};
    } catch (const std::exception& e) {
        return LoadError{fmt::format("{}: the trace could not be loaded ({}).", name, e.what())};
    }
}

std::string human_size(std::uintmax_t bytes) {
    if (bytes >= (std::uintmax_t{1} << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1 << 30));
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

std::string size_limit() { return fmt::format("{:g} GiB", static_cast<double>(max_trace_bytes) / (1 << 30)); }

}  // namespace

LoadResult parse_trace(std::string_view json, std::string source_name) {
    if (json.size() > max_trace_bytes)
        return LoadError{fmt::format("{}: the trace is {}, more than the {} the viewer opens.", source_name,
                                     human_size(json.size()), size_limit())};
    try {
        simdjson::padded_string padded(json);
        return parse_padded(padded, source_name);
    } catch (const std::bad_alloc&) {
        return LoadError{fmt::format("{}: the computer ran out of memory while loading this trace.", source_name)};
    }
}

// Checks what the path is before opening it: a folder, a FIFO or a device would fail or block
// in read(), and the size is refused before any memory is taken for it.
LoadResult load_trace_file(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    std::string name = path.filename().string();
    if (name.empty()) name = path.string();
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) return LoadError{fmt::format("{}: there is no such file ({}).", name, path.string())};
    if (fs::is_directory(status)) return LoadError{fmt::format("{}: this is a folder, not a trace file.", name)};
    if (!fs::is_regular_file(status)) return LoadError{fmt::format("{}: this is not a regular file, so it cannot be a trace.", name)};
    const std::uintmax_t size = fs::file_size(path, error);
    if (error) return LoadError{fmt::format("{}: the file's size cannot be read ({}).", name, error.message())};
    if (size > max_trace_bytes)
        return LoadError{fmt::format("{}: the file is {}, more than the {} the viewer opens. Record a shorter run?", name,
                                     human_size(size), size_limit())};
    if (size == 0) return LoadError{fmt::format("{}: the file is empty.", name)};
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in) return LoadError{fmt::format("{}: the file cannot be opened (check its permissions).", name)};
        simdjson::padded_string buffer(static_cast<std::size_t>(size));
        in.read(buffer.data(), static_cast<std::streamsize>(size));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got < size) {  // the file shrank while being read: parse what is there
            simdjson::padded_string shorter(buffer.data(), got);
            return parse_padded(shorter, name);
        }
        return parse_padded(buffer, name);
    } catch (const std::bad_alloc&) {
        return LoadError{fmt::format("{}: the computer ran out of memory while loading this trace.", name)};
    }
}

}  // namespace looplab::viewer
