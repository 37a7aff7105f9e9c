// capture_stderr.hpp: collect what code writes to std::cerr while this object lives, so a
// test can check the loop's default exception handler without cluttering the test output.
#pragma once

#include <iostream>
#include <sstream>
#include <string>

namespace looplab::testing {

class CaptureStderr {
  public:
    CaptureStderr() : previous_(std::cerr.rdbuf(captured_.rdbuf())) {}
    ~CaptureStderr() { std::cerr.rdbuf(previous_); }
    CaptureStderr(const CaptureStderr&) = delete;
    CaptureStderr& operator=(const CaptureStderr&) = delete;

    std::string text() const { return captured_.str(); }

  private:
    std::ostringstream captured_;
    std::streambuf* previous_;
};

}  // namespace looplab::testing
