// trace_builder.cpp: filing raw events under their lanes, one phase at a time. Nothing here
// sorts or binds: events may arrive in any order (the kit writes each thread's buffer in turn), so
// all ordering happens once, at finish() (trace_assemble.cpp).
#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <simdjson.h>

#include "trace_builder.hpp"

namespace looplab::viewer::detail {

namespace {

// Parses all of `text` as a decimal (or, with hex, a 0x-prefixed hexadecimal) unsigned number.
bool parse_unsigned(std::string_view text, std::uint64_t& out) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool parse_signed(std::string_view text, std::int64_t& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

// Numbers are taken as they are; strings as numbers when they read as one ("0x63" is 99, as the
// kit writes task ids), otherwise hashed (FNV-1a) so that equal strings still pair up.
std::uint64_t id_value(const RawId& id) {
    if (id.kind == RawId::Kind::number) return static_cast<std::uint64_t>(id.number);
    if (id.kind != RawId::Kind::text) return 0;
    std::uint64_t value = 0;
    if (parse_unsigned(id.text, value)) return value;
    std::int64_t negative = 0;
    if (parse_signed(id.text, negative)) return static_cast<std::uint64_t>(negative);
    std::uint64_t hash = 14695981039346656037ull;
    for (char c : id.text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return hash;
}

TraceBuilder::TraceBuilder(std::string source) {
    trace_.source = std::move(source);
    args_scratch_.reserve(256);
}

void TraceBuilder::add(const RawEvent& event) {
    if (event.ph_state != RawEvent::Field::ok || event.ph.empty()) return skip(Skip::no_phase);
    const bool known_phase = event.ph.size() == 1 && std::string_view("XBEiICbestfM").find(event.ph[0]) != std::string_view::npos;
    if (!known_phase) {
        if (unknown_phase_example_.empty()) unknown_phase_example_ = std::string(event.ph.substr(0, 16));
        return skip(Skip::unknown_phase);
    }
    if (event.name_state == RawEvent::Field::bad || event.cat_state == RawEvent::Field::bad ||
        event.pid.kind == RawId::Kind::bad || event.tid.kind == RawId::Kind::bad)
        return skip(Skip::bad_field);
    const char phase = event.ph[0];
    if (phase == 'M') return add_metadata(event);
    Micros ts = 0;
    if (!read_time(event, ts)) return;
    switch (phase) {
        case 'X': return add_complete(event, ts);
        case 'B': return add_edge(event, ts, true);
        case 'E': return add_edge(event, ts, false);
        case 'i': case 'I': return add_instant(event, ts);
        case 'C': return add_counter(event, ts);
        case 'b': return add_task_point(event, ts, true);
        case 'e': return add_task_point(event, ts, false);
        default: return add_flow_point(event, ts);  // s, t, f
    }
}

// The lane of (pid, tid), created on first sight. Consecutive events mostly share a lane, so
// the last one is remembered: the hash lookup is the exception.
std::int32_t TraceBuilder::lane_for(const RawEvent& event) {
    LaneKey key;
    std::string_view texts[2];
    auto part = [&](const RawId& id, std::int64_t& value, bool& is_text, std::string_view& text) {
        if (id.kind == RawId::Kind::number) {
            value = id.number;
        } else if (id.kind == RawId::Kind::text && !parse_signed(id.text, value)) {
            value = trace_.intern(id.text);
            is_text = true;
            text = id.text;
        }
    };
    part(event.pid, key.pid, key.pid_text, texts[0]);
    part(event.tid, key.tid, key.tid_text, texts[1]);
    if (last_lane_ >= 0 && key == last_key_) return last_lane_;
    auto [it, inserted] = lane_index_.try_emplace(key, static_cast<std::int32_t>(lanes_.size()));
    if (inserted) {
        LaneBuild lane;
        lane.key = key;
        lane.pid_label = key.pid_text ? std::string(texts[0]) : fmt::format("{}", key.pid);
        lane.tid_label = key.tid_text ? std::string(texts[1]) : fmt::format("{}", key.tid);
        lanes_.push_back(std::move(lane));
    }
    last_key_ = key;
    last_lane_ = it->second;
    return last_lane_;
}

// The event's lane, its first-event time updated (lanes are ordered by it).
TraceBuilder::LaneBuild& TraceBuilder::lane_at(const RawEvent& event, Micros ts) {
    auto& lane = lanes_[static_cast<std::size_t>(lane_for(event))];
    lane.first = std::min(lane.first, ts);
    return lane;
}

// Reads ts, counting the event as skipped when it has none or an absurd one (NaN included). How far
// the times lie from each other is checked once all are read (keep_densest_window).
bool TraceBuilder::read_time(const RawEvent& event, Micros& ts) {
    if (event.ts_state != RawEvent::Field::ok) {
        skip(Skip::no_ts);
        return false;
    }
    if (!(std::fabs(event.ts) <= max_abs_timestamp_us)) {
        skip(Skip::out_of_range);
        return false;
    }
    ts = event.ts;
    return true;
}

void TraceBuilder::used(Micros ts) {
    min_ts_ = std::min(min_ts_, ts);
    max_ts_ = std::max(max_ts_, ts);
    ++usable_;
}

void TraceBuilder::add_metadata(const RawEvent& event) {
    if (event.name != "thread_name") return;  // process_name, sort indices: nothing to draw
    if (!event.has_arg_name) return skip(Skip::bad_field);
    lanes_[static_cast<std::size_t>(lane_for(event))].name = std::string(event.arg_name);
}

// Span args are kept as compact JSON text for the details panel. The kit writes them compact
// already; other tools' whitespace is squeezed out with simdjson's minifier.
std::uint32_t TraceBuilder::intern_args(std::string_view json) {
    if (std::none_of(json.begin(), json.end(), is_json_space)) return trace_.intern(json);
    args_scratch_.resize(json.size());
    std::size_t length = 0;
    if (simdjson::minify(json.data(), json.size(), args_scratch_.data(), length) != simdjson::SUCCESS)
        return trace_.intern(json);
    return trace_.intern(std::string_view(args_scratch_.data(), length));
}

void TraceBuilder::add_complete(const RawEvent& event, Micros ts) {
    double dur = 0;
    if (event.dur_state == RawEvent::Field::bad) return skip(Skip::bad_field);
    if (event.dur_state == RawEvent::Field::ok) dur = event.dur;
    if (!(dur <= max_abs_time_us)) return skip(Skip::out_of_range);
    if (dur < 0) {
        ++negative_durations_;
        dur = 0;
    }
    Span span;
    span.start = ts;
    span.end = ts + dur;
    span.name = trace_.intern(event.name);
    span.category = trace_.intern(event.cat);
    span.kind = span_kind_from_category(event.cat);
    if (event.has_args) span.args = intern_args(event.args_json);
    if (span.kind == SpanKind::step) span.task = static_cast<std::int64_t>(id_value(event.task));
    lane_at(event, ts).spans.push_back(span);
    used(ts);
    max_ts_ = std::max(max_ts_, span.end);
}

void TraceBuilder::add_edge(const RawEvent& event, Micros ts, bool begin) {
    Edge edge;
    edge.ts = ts;
    edge.begin = begin;
    if (begin) {
        edge.name = trace_.intern(event.name);
        edge.category = trace_.intern(event.cat);
        if (event.has_args) edge.args = intern_args(event.args_json);
        if (span_kind_from_category(event.cat) == SpanKind::step) edge.task = static_cast<std::int64_t>(id_value(event.task));
    }
    lane_at(event, ts).edges.push_back(edge);
    if (begin) used(ts);
    max_ts_ = std::max(max_ts_, ts);
}

void TraceBuilder::add_instant(const RawEvent& event, Micros ts) {
    Instant instant;
    instant.ts = ts;
    instant.name = trace_.intern(event.name);
    instant.category = trace_.intern(event.cat);
    if (event.has_detail) instant.detail = trace_.intern(event.detail);
    if (event.delay_us >= 0 && event.delay_us <= max_abs_time_us) instant.delay_us = event.delay_us;
    lane_at(event, ts).instants.push_back(instant);
    used(ts);
}

// One series per (counter name, args key): {"name":"ready queue","args":{"length":4}}.
void TraceBuilder::add_counter(const RawEvent& event, Micros ts) {
    if (event.number_count == 0) return skip(Skip::bad_field);
    const std::uint32_t name = trace_.intern(event.name_state == RawEvent::Field::ok ? event.name : "counter");
    for (std::size_t i = 0; i < event.number_count; ++i) {
        const RawArg& arg = event.numbers[i];
        const std::uint32_t key = trace_.intern(arg.key);
        const std::uint64_t series_key = (std::uint64_t{name} << 32) | key;
        auto [it, inserted] = series_index_.try_emplace(series_key, series_.size());
        if (inserted) series_.push_back(SeriesBuild{name, key, {}});
        series_[it->second].samples.emplace_back(ts, arg.value);
    }
    used(ts);
}

// b/e of category "task" are coroutine tasks; other async spans have no place to be drawn.
void TraceBuilder::add_task_point(const RawEvent& event, Micros ts, bool begin) {
    if (event.cat != "task") return skip(Skip::other_async);
    if (event.id.kind == RawId::Kind::absent) return skip(Skip::no_id);
    if (event.id.kind == RawId::Kind::bad) return skip(Skip::bad_field);
    lane_at(event, ts);  // the task's thread gets its lane even if it records nothing else
    task_points_.push_back(TaskPoint{id_value(event.id), trace_.intern(event.name), ts, begin, last_lane_});
    used(ts);
}

// Flow steps ('t') are intermediate points; the model keeps only cause (s) and effect (f), so a
// 't' is read and dropped without counting as skipped.
void TraceBuilder::add_flow_point(const RawEvent& event, Micros ts) {
    if (event.ph[0] == 't') return;
    if (event.id.kind == RawId::Kind::absent) return skip(Skip::no_id);
    if (event.id.kind == RawId::Kind::bad) return skip(Skip::bad_field);
    FlowPoint point;
    point.id = id_value(event.id);
    point.name = trace_.intern(event.name);
    point.ts = ts;
    lane_at(event, ts);
    point.lane = last_lane_;
    point.phase = event.ph[0];
    point.enclosing = event.bp == "e";
    flow_points_.push_back(point);
    used(ts);
}

}  // namespace looplab::viewer::detail
