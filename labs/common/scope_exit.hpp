// scope_exit.hpp: run a piece of code when a scope ends, however it ends.
// C++'s answer to Python's try/finally: run_forever must reset its flags even when
// something throws out of an iteration.
#pragma once

#include <utility>

namespace looplab {

template <class F>
class ScopeExit {
  public:
    explicit ScopeExit(F on_exit) : on_exit_(std::move(on_exit)) {}
    ~ScopeExit() { on_exit_(); }
    ScopeExit(const ScopeExit&) = delete;
    ScopeExit& operator=(const ScopeExit&) = delete;

  private:
    F on_exit_;
};

}  // namespace looplab
