# Build-wide settings: language level, warnings, sanitizers, tracing.

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)   # compile_commands.json for clangd

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Debug CACHE STRING "Build type" FORCE)
endif()

# Link with gold when the toolchain has it (binutils ships it beside ld): a student's
# `./looplab check N` relinks every lab's tests, and gold links them in about half the time.
include(CheckLinkerFlag)
check_linker_flag(CXX "-fuse-ld=gold" LOOPLAB_HAVE_GOLD)
if(LOOPLAB_HAVE_GOLD)
  add_link_options(-fuse-ld=gold)
endif()

option(LOOPLAB_WERROR "Treat warnings in kit and reference code as errors (CI turns this on)" OFF)
option(LOOPLAB_TRACE "Compile the trace recorder in (OFF compiles every trace call out)" ON)
option(LOOPLAB_BENCH "Build looplab-bench, the benchmarks (the bench presets turn it on)" OFF)
set(LOOPLAB_SANITIZE "" CACHE STRING "Sanitizers to build with: '', 'address,undefined' or 'thread'")

if(LOOPLAB_SANITIZE)
  add_compile_options(-fsanitize=${LOOPLAB_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${LOOPLAB_SANITIZE})
  if(LOOPLAB_SANITIZE STREQUAL "thread")
    # g++ 12 warns that TSan does not model Asio's std::atomic_thread_fence; the pool's own
    # locks are what order its jobs, and TSan sees those.
    add_compile_options(-Wno-tsan)
  endif()
endif()

# looplab_strict_warnings(target): the warnings we hold kit and reference code to.
function(looplab_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(LOOPLAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# looplab_student_warnings(target): student code gets the same warnings, never as errors,
# and no complaint about the parameters an untouched stub does not use yet.
function(looplab_student_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
