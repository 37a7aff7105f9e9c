# libFuzzer targets, and their regression corpora replayed without clang.
# Each target is one file defining LLVMFuzzerTestOneInput. Two programs are made from it:
#   fuzz_<name>         the libFuzzer program, only with -DLOOPLAB_FUZZ=ON and clang (the "fuzz"
#                       preset, build/fuzz: ./looplab fuzz configures and runs it)
#   fuzz_<name>_replay  the same file with a main() that feeds it every file of its corpora once,
#                       in every build, so g++ alone replays past crashes in ./looplab test
# looplab_write_manifest() lists both, with the target's dictionary and corpora, for looplab-kit.

option(LOOPLAB_FUZZ "Build the libFuzzer targets (needs clang: the fuzz preset)" OFF)
if(LOOPLAB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LOOPLAB_FUZZ needs clang for libFuzzer: cmake --preset fuzz (or CXX=clang++-14).")
  endif()
  # Every library a target links is instrumented, not just the target's file: libFuzzer is guided
  # by coverage of the parser it calls, and the sanitizers must see that code too. A UBSan report
  # must stop the run, or libFuzzer would not count it as a finding. UBSan's -fsanitize=function
  # is left out: with coverage on, clang 14 cannot compile a coroutine under it ("Cannot represent
  # a difference across sections"), and it checks only calls through mistyped function pointers.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function
                      -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

add_custom_target(fuzz_targets)   # every fuzz_<name> (build/fuzz)
add_custom_target(fuzz_replays)   # every fuzz_<name>_replay (./looplab test builds these)

# looplab_add_fuzz_target(NAME request_parser SOURCE <file> LIBRARIES <libs...>
#                         DICT <file> CORPORA <dirs...>)
# CORPORA: committed folders (searched recursively): the fuzzer's seeds and the replay's inputs.
# The first one is the regression corpus, where a fixed finding goes.
function(looplab_add_fuzz_target)
  cmake_parse_arguments(FUZZ "" "NAME;SOURCE;DICT" "LIBRARIES;CORPORA" ${ARGN})
  set(replay fuzz_${FUZZ_NAME}_replay)
  add_executable(${replay} ${FUZZ_SOURCE})
  target_link_libraries(${replay} PRIVATE ${FUZZ_LIBRARIES} looplab_fuzz_replay)
  looplab_strict_warnings(${replay})
  add_dependencies(fuzz_replays ${replay})

  set(corpora "")
  foreach(dir IN LISTS FUZZ_CORPORA)
    list(APPEND corpora "\"${CMAKE_CURRENT_SOURCE_DIR}/${dir}\"")
  endforeach()
  list(JOIN corpora ", " corpora)
  set(entry "{\"name\": \"${FUZZ_NAME}\", \"replay\": \"$<TARGET_FILE:${replay}>\", \"dict\": \"${CMAKE_CURRENT_SOURCE_DIR}/${FUZZ_DICT}\", \"corpora\": [${corpora}]")

  if(LOOPLAB_FUZZ)
    set(fuzzer fuzz_${FUZZ_NAME})
    add_executable(${fuzzer} ${FUZZ_SOURCE})
    target_link_libraries(${fuzzer} PRIVATE ${FUZZ_LIBRARIES})
    target_link_options(${fuzzer} PRIVATE -fsanitize=fuzzer)
    looplab_strict_warnings(${fuzzer})
    add_dependencies(fuzz_targets ${fuzzer})
    string(APPEND entry ", \"fuzzer\": \"$<TARGET_FILE:${fuzzer}>\"")
  endif()
  string(APPEND entry "}")
  set_property(GLOBAL APPEND PROPERTY LOOPLAB_FUZZ_TARGETS "${entry}")
endfunction()
