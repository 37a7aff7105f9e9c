// third_party_lib.hpp: the article's `third_party_lib`, for real. Each function calls a real
// library from Debian's packages and BLOCKS the calling thread until it is done: none of them
// knows anything about event loops. Call one on the loop thread and the loop stalls (lab 05);
// hand it to run_in_executor and the loop runs on (lab 06).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace third_party_lib {

// SQLite: counts up to `n` with a recursive query on an in-memory database and returns the
// sum. Blocks for as long as SQLite needs: about 0.1 s per million on a current core.
std::int64_t slow_query(std::int64_t n);

// SQLite work that blocks for about `target` by the clock, even on a busy machine: slow_query
// in slices of a few milliseconds until the time is up. Returns the sum of the slices' results.
std::int64_t slow_query_for(std::chrono::milliseconds target);

// zlib: compresses `bytes` of generated text at the highest level; returns the compressed size.
std::size_t compress(std::size_t bytes);

// The classic blocking name lookup (getaddrinfo): the addresses `host` resolves to.
std::vector<std::string> resolve(const std::string& host);

// SQLite: looks `key` up in `table` ("kv" or "quotes") of a small in-memory database, one per
// calling thread, made and filled on the thread's first call: kv holds greeting, answer, loop;
// quotes holds ACME, ASIO, LOOP. Returns the value, or std::nullopt if there is no such row.
// Throws std::invalid_argument for another table. (Lab 09's service looks its requests up here.)
std::optional<std::string> kv_lookup(const std::string& table, const std::string& key);

}  // namespace third_party_lib
