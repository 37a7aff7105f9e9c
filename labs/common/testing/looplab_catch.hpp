// looplab_catch.hpp: include this instead of Catch2's own header.
// Debian 12 ships Catch2 v2.13 (one header); newer systems ship v3 (split headers).
// The tests use only what both versions share, so this is the one place that differs.
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
