// third_party_lib.cpp: plainly blocking calls into SQLite, zlib and the system resolver.
#include "third_party_lib.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <sqlite3.h>
#include <zlib.h>

#include "os.hpp"

namespace third_party_lib {
namespace {

using Database = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

Database open_memory_database() {
    sqlite3* db = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("sqlite: cannot open an in-memory database");
    }
    return Database(db, &sqlite3_close);
}

}  // namespace

std::int64_t slow_query(std::int64_t n) {
    Database db = open_memory_database();
    const char* sql =
        "WITH RECURSIVE counter(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM counter WHERE x < ?1) "
        "SELECT sum(x) FROM counter";
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db.get()));
    }
    Statement statement(raw, &sqlite3_finalize);
    sqlite3_bind_int64(statement.get(), 1, n);
    if (sqlite3_step(statement.get()) != SQLITE_ROW) {
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db.get()));
    }
    return sqlite3_column_int64(statement.get(), 0);
}

std::int64_t slow_query_for(std::chrono::milliseconds target) {
    using Clock = std::chrono::steady_clock;
    // Measure a small query once; queries scale linearly with n.
    static const double rows_per_ms = [] {
        constexpr std::int64_t probe = 200'000;
        auto start = Clock::now();
        slow_query(probe);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        return probe / std::max(ms, 0.01);
    }();
    // Query in slices of a few milliseconds until `target` has passed by the clock. One query
    // sized for the whole target would take longer whenever other threads share the cores (four
    // calls on two workers would each last far longer than asked); a call that lasts as long as
    // it says behaves like the database round trip it stands for.
    const auto deadline = Clock::now() + target;
    const double slice_ms = std::clamp(static_cast<double>(target.count()), 1.0, 5.0);
    const auto slice_rows = std::max<std::int64_t>(1, static_cast<std::int64_t>(rows_per_ms * slice_ms));
    std::int64_t sum = 0;
    do {
        sum += slow_query(slice_rows);
    } while (Clock::now() < deadline);
    return sum;
}

std::size_t compress(std::size_t bytes) {
    std::string input;
    input.reserve(bytes);
    for (std::size_t i = 0; input.size() < bytes; ++i) input += "event loop " + std::to_string(i * 7919 % 1000) + ' ';
    input.resize(bytes);
    uLongf size = compressBound(static_cast<uLong>(input.size()));
    std::vector<Bytef> output(size);
    if (compress2(output.data(), &size, reinterpret_cast<const Bytef*>(input.data()),
                  static_cast<uLong>(input.size()), Z_BEST_COMPRESSION) != Z_OK) {
        throw std::runtime_error("zlib: compression failed");
    }
    return size;
}

std::optional<std::string> kv_lookup(const std::string& table, const std::string& key) {
    if (table != "kv" && table != "quotes") throw std::invalid_argument("kv_lookup: no table " + table);
    thread_local Database db = [] {
        Database made = open_memory_database();
        const char* setup =
            "CREATE TABLE kv(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO kv VALUES ('greeting', 'hello'), ('answer', '42'), ('loop', 'asyncio');"
            "CREATE TABLE quotes(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO quotes VALUES ('ACME', '101.25'), ('ASIO', '17.50'), ('LOOP', '42.00');";
        if (sqlite3_exec(made.get(), setup, nullptr, nullptr, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(made.get()));
        }
        return made;
    }();
    const std::string sql = "SELECT value FROM " + table + " WHERE key = ?1";  // table: checked above
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db.get()));
    }
    Statement statement(raw, &sqlite3_finalize);
    sqlite3_bind_text(statement.get(), 1, key.c_str(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    const int step = sqlite3_step(statement.get());
    if (step == SQLITE_DONE) return std::nullopt;
    if (step != SQLITE_ROW) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db.get()));
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0)));
}

std::vector<std::string> resolve(const std::string& host) {
    return looplab::os::resolve_host(host);
}

}  // namespace third_party_lib
