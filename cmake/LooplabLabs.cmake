# The same tests and demos are built against three copies of the event loop, the "variants":
#   yours      labs/loop           the student's code, the only code a student edits
#   reference  solutions/loop      the reference solution
#   starter    <build>/starter/loop  generated afresh from solutions/loop by looplab-kit;
#                                  every lab test must FAIL on it (a test that passes on a stub tests nothing)
# Each lab adds its tests and demo with looplab_add_lab(); looplab_write_manifest() then tells
# looplab-kit where every binary is.

set(LOOPLAB_VARIANTS "yours;reference;starter" CACHE STRING "Which copies of the loop to build")
# The tests use a virtual clock and finish in milliseconds, so a case still running after this
# long is stuck (an endless loop or a deadlock), and a student should not wait long to hear it.
set(LOOPLAB_TEST_TIMEOUT 5 CACHE STRING "Seconds one test case may run before it counts as hung")
# The stress tests (solutions/stress) load the loop for real, seconds per case: their own limit.
set(LOOPLAB_STRESS_TIMEOUT 120 CACHE STRING "Seconds one stress test case may run before it counts as hung")

# looplab_loop_dir(<variant> <out-var>): where that variant's loop sources live.
function(looplab_loop_dir variant out)
  if(variant STREQUAL "yours")
    set(${out} "${CMAKE_SOURCE_DIR}/labs/loop" PARENT_SCOPE)
  elseif(variant STREQUAL "reference")
    set(${out} "${CMAKE_SOURCE_DIR}/solutions/loop" PARENT_SCOPE)
  elseif(variant STREQUAL "starter")
    set(${out} "${CMAKE_BINARY_DIR}/starter/loop" PARENT_SCOPE)
  else()
    message(FATAL_ERROR "Unknown loop variant '${variant}' (use yours, reference or starter)")
  endif()
endfunction()

# looplab_variant_warnings(<variant> <target>): the reference is held to the kit's strict
# warnings; code built on the student's loop or the starter is not (stubs leave parameters
# unused, and their templates are instantiated in the tests and demos too).
function(looplab_variant_warnings variant target)
  if(variant STREQUAL "reference")
    looplab_strict_warnings(${target})
  else()
    looplab_student_warnings(${target})
  endif()
endfunction()

# looplab_add_loop_variants(): one static library loop_<variant> per variant.
function(looplab_add_loop_variants)
  file(GLOB _solution_files CONFIGURE_DEPENDS
       RELATIVE "${CMAKE_SOURCE_DIR}/solutions/loop"
       "${CMAKE_SOURCE_DIR}/solutions/loop/*.hpp" "${CMAKE_SOURCE_DIR}/solutions/loop/*.cpp")
  foreach(variant IN LISTS LOOPLAB_VARIANTS)
    looplab_loop_dir(${variant} dir)
    set(sources "")
    foreach(f IN LISTS _solution_files)
      list(APPEND sources "${dir}/${f}")
    endforeach()
    if(variant STREQUAL "starter")
      _looplab_generate_starter("${sources}")
    endif()
    add_library(loop_${variant} STATIC ${sources})
    # variant_<name> builds everything of one variant: ./looplab test builds the reference and
    # the starter without touching yours, so a student's broken code cannot break the kit check.
    add_custom_target(variant_${variant})
    add_dependencies(variant_${variant} loop_${variant})
    target_include_directories(loop_${variant} PUBLIC "${dir}")
    target_link_libraries(loop_${variant} PUBLIC looplab_common looplab::asio)
    looplab_variant_warnings(${variant} loop_${variant})
    # Parsing headers is most of what compiling a loop file costs (Asio's thread pool alone is
    # half of event_loop.cpp's 3.3 s), and ./looplab check recompiles the file a student just
    # saved: parse the libraries' headers once. Only headers nobody edits: a loop header in the
    # set would rebuild it on every edit.
    target_precompile_headers(loop_${variant} PRIVATE
      <asio/thread_pool.hpp> <fmt/format.h>
      <chrono> <coroutine> <deque> <exception> <functional> <memory> <mutex> <optional> <string> <vector>)
  endforeach()
endfunction()

# The starter is derived from the solution on every build, so it can never go stale.
function(_looplab_generate_starter outputs)
  file(GLOB _inputs CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/solutions/loop/*")
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND looplab-kit starter --from "${CMAKE_SOURCE_DIR}/solutions/loop"
                                --to "${CMAKE_BINARY_DIR}/starter/loop" --quiet
    DEPENDS looplab-kit ${_inputs}
    COMMENT "Generating the starter loop from solutions/loop"
    VERBATIM)
endfunction()

# looplab_add_lab(NUMBER 01 SLUG callbacks TITLE "Callbacks and the ready queue"
#                 TESTS <files...> DEMO <file> [DEMO_LIBRARIES <libs...>])
# Builds lab<NN>_tests_<variant> and lab<NN>_demo_<variant> for every variant.
function(looplab_add_lab)
  cmake_parse_arguments(LAB "" "NUMBER;SLUG;TITLE;DEMO" "TESTS;DEMO_LIBRARIES" ${ARGN})
  math(EXPR number "${LAB_NUMBER}")   # JSON numbers take no leading zero
  set(entry "{\"number\": ${number}, \"slug\": \"${LAB_SLUG}\", \"title\": \"${LAB_TITLE}\", \"dir\": \"${CMAKE_CURRENT_SOURCE_DIR}\"")
  foreach(variant IN LISTS LOOPLAB_VARIANTS)
    set(tests lab${LAB_NUMBER}_tests_${variant})
    add_executable(${tests} ${LAB_TESTS})
    target_link_libraries(${tests} PRIVATE loop_${variant} looplab_testing)
    looplab_variant_warnings(${variant} ${tests})
    add_dependencies(variant_${variant} ${tests})
    string(APPEND entry ", \"tests_${variant}\": \"$<TARGET_FILE:${tests}>\"")
    if(LAB_DEMO)
      set(demo lab${LAB_NUMBER}_demo_${variant})
      add_executable(${demo} ${LAB_DEMO})
      target_link_libraries(${demo} PRIVATE loop_${variant} ${LAB_DEMO_LIBRARIES})
      looplab_variant_warnings(${variant} ${demo})
      add_dependencies(variant_${variant} ${demo})
      string(APPEND entry ", \"demo_${variant}\": \"$<TARGET_FILE:${demo}>\"")
    endif()
  endforeach()
  if(LAB_NUMBER STREQUAL "01" AND LOOPLAB_PLANTS)
    list(TRANSFORM LAB_TESTS PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/" OUTPUT_VARIABLE absolute_tests)
    looplab_add_plants(entry TESTS ${absolute_tests})  # cmake/LooplabPlants.cmake
  endif()
  string(APPEND entry "}")
  set_property(GLOBAL APPEND PROPERTY LOOPLAB_LABS "${entry}")
endfunction()

# looplab_write_manifest(): <build>/looplab-manifest.json, read by looplab-kit.
# Call it last: it names the viewer's programs when the viewer is built.
function(looplab_write_manifest)
  get_property(labs GLOBAL PROPERTY LOOPLAB_LABS)
  list(JOIN labs ",\n    " body)
  get_property(fuzz GLOBAL PROPERTY LOOPLAB_FUZZ_TARGETS)  # see LooplabFuzz.cmake
  list(JOIN fuzz ",\n    " fuzz)
  set(viewer "")
  if(TARGET viewer_tests)
    string(APPEND viewer "  \"viewer_tests\": \"$<TARGET_FILE:viewer_tests>\",\n")
  endif()
  if(TARGET looplab-viewer)
    string(APPEND viewer "  \"viewer\": \"$<TARGET_FILE:looplab-viewer>\",\n")
  endif()
  if(TARGET stress_tests)  # solutions/stress, with its own per-case timeout
    string(APPEND viewer "  \"stress_tests\": \"$<TARGET_FILE:stress_tests>\",\n  \"stress_timeout\": ${LOOPLAB_STRESS_TIMEOUT},\n")
  endif()
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/looplab-manifest.json" CONTENT
"{
  \"source_dir\": \"${CMAKE_SOURCE_DIR}\",
  \"build_dir\": \"${CMAKE_BINARY_DIR}\",
  \"variants\": \"${LOOPLAB_VARIANTS}\",
  \"test_timeout\": ${LOOPLAB_TEST_TIMEOUT},
  \"kit_tests\": \"$<TARGET_FILE:kit_tests>\",
${viewer}  \"fuzz\": [
    ${fuzz}
  ],
  \"labs\": [
    ${body}
  ]
}
")
endfunction()
