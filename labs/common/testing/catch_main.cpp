// Catch2's main(), compiled once for every test program (it is the slow part to compile).
#if __has_include(<catch2/catch_all.hpp>)
// Catch2 v3 brings its own main through the Catch2::Catch2WithMain target.
#else
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
