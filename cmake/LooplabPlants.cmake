# Planted faults: the kit's proof that ./looplab check and ./looplab grade survive a student's
# worst code. Each plant is lab 01 solved except Handle::cancel, whose body is a fault (it
# throws, segfaults, aborts, deadlocks, spins, floods the output; "none" is the control).
# looplab-kit writes the copies (kit/src/plants.cpp); here lab 01's tests are built on each:
#   <build>/plants/base/      every loop file, lab 01 solved, later labs starter code
#   <build>/plants/<fault>/   that plant's handle.cpp
# The loop library and the test objects are compiled once; each plant adds one handle.cpp, so
# the seven plants cost about one extra variant. `./looplab test` builds the target `plants`.
option(LOOPLAB_PLANTS "Build lab 01's tests on the planted faults (./looplab test checks the grader with them)" ON)
set(LOOPLAB_PLANT_NAMES none throws segfault aborts deadlocks spins floods)  # = kit/src/plants.cpp

# looplab_add_plants(<manifest-entry-var> TESTS <lab 01's test sources, absolute>): defines the
# plant programs and appends "tests_plant_<name>" to lab 01's manifest entry.
function(looplab_add_plants entry_var)
  cmake_parse_arguments(PLANT "" "" "TESTS" ${ARGN})
  set(dir "${CMAKE_BINARY_DIR}/plants")
  file(GLOB solution_files CONFIGURE_DEPENDS RELATIVE "${CMAKE_SOURCE_DIR}/solutions/loop"
       "${CMAKE_SOURCE_DIR}/solutions/loop/*.hpp" "${CMAKE_SOURCE_DIR}/solutions/loop/*.cpp")
  file(GLOB inputs CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/solutions/loop/*")
  set(base_sources "")
  foreach(f IN LISTS solution_files)
    list(APPEND base_sources "${dir}/base/${f}")
  endforeach()
  set(planted "")
  foreach(name IN LISTS LOOPLAB_PLANT_NAMES)
    list(APPEND planted "${dir}/${name}/handle.cpp")
  endforeach()
  add_custom_command(
    OUTPUT ${base_sources} ${planted}
    COMMAND looplab-kit plants --from "${CMAKE_SOURCE_DIR}/solutions/loop" --to "${dir}" ${LOOPLAB_PLANT_NAMES}
    DEPENDS looplab-kit ${inputs} "${CMAKE_SOURCE_DIR}/kit/src/plants.cpp"
    COMMENT "Planting faults in copies of the starter"
    VERBATIM)

  # Everything but handle.cpp, which each plant brings.
  list(FILTER base_sources EXCLUDE REGEX "/handle\\.cpp$")
  add_library(loop_plant_base STATIC ${base_sources})
  target_include_directories(loop_plant_base PUBLIC "${dir}/base")
  target_link_libraries(loop_plant_base PUBLIC looplab_common looplab::asio)
  looplab_student_warnings(loop_plant_base)
  add_library(lab01_plant_test_objects OBJECT ${PLANT_TESTS})
  target_link_libraries(lab01_plant_test_objects PUBLIC loop_plant_base looplab_testing)
  looplab_student_warnings(lab01_plant_test_objects)

  add_custom_target(plants)
  set(entry "${${entry_var}}")
  foreach(name IN LISTS LOOPLAB_PLANT_NAMES)
    set(tests lab01_tests_plant_${name})
    add_executable(${tests} "${dir}/${name}/handle.cpp" $<TARGET_OBJECTS:lab01_plant_test_objects>)
    target_link_libraries(${tests} PRIVATE loop_plant_base looplab_testing)
    looplab_student_warnings(${tests})
    add_dependencies(plants ${tests})
    string(APPEND entry ", \"tests_plant_${name}\": \"$<TARGET_FILE:${tests}>\"")
  endforeach()
  set(${entry_var} "${entry}" PARENT_SCOPE)
endfunction()
