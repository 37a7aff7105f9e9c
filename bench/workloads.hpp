// workloads.hpp: the benchmark's workloads, one function per peer. Each runs the seven shapes of
// issue 8 (as far as the peer has them) at `sizes`, repeated, and report()s the medians.
#pragma once

#include "measure.hpp"

namespace looplab::bench {

void run_looplab_workloads(const Sizes& sizes);  // the reference loop (looplab_workloads.cpp)
void run_trace_cost(const Sizes& sizes);         // its workload 7 alone (also part of the above)
void run_asio_workloads(const Sizes& sizes);     // Asio's io_context(1) and awaitables (asio_workloads.cpp)

}  // namespace looplab::bench
