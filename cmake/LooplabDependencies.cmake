# Every library looplab uses comes from Debian's packages; ./looplab installs them.
# A missing one stops the configure step with the name of the package that provides it.

set(_looplab_missing "")

# looplab_require(<found-var> <debian-package> <what it is for>)
macro(looplab_require found package purpose)
  if(NOT ${found})
    list(APPEND _looplab_missing "${package}")
    message(STATUS "looplab: missing ${package} (${purpose})")
  endif()
endmacro()

find_package(fmt QUIET)
looplab_require(fmt_FOUND libfmt-dev "formatting")

find_package(CLI11 QUIET)
looplab_require(CLI11_FOUND libcli11-dev "the looplab-kit command line")

find_package(nlohmann_json 3 QUIET)
looplab_require(nlohmann_json_FOUND nlohmann-json3-dev "reading traces and manifests")

# Catch2: v2.13 on Debian 12, v3 on newer systems; labs/common/looplab_catch.hpp hides the difference.
find_package(Catch2 3 QUIET)
if(Catch2_FOUND)
  set(LOOPLAB_CATCH_MAIN Catch2::Catch2WithMain)
else()
  find_package(Catch2 2 QUIET)
  set(LOOPLAB_CATCH_MAIN "")
endif()
looplab_require(Catch2_FOUND catch2 "the labs' tests")

find_package(SQLite3 QUIET)
looplab_require(SQLite3_FOUND libsqlite3-dev "the blocking third-party library of labs 05-06")

find_package(ZLIB QUIET)
looplab_require(ZLIB_FOUND zlib1g-dev "the blocking third-party library of labs 05-06")

find_path(ASIO_INCLUDE_DIR asio.hpp)
looplab_require(ASIO_INCLUDE_DIR libasio-dev "standalone Asio")
if(ASIO_INCLUDE_DIR AND NOT TARGET looplab::asio)
  add_library(looplab_asio INTERFACE)
  target_include_directories(looplab_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
  target_compile_definitions(looplab_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
  find_package(Threads REQUIRED)
  target_link_libraries(looplab_asio INTERFACE Threads::Threads)
  add_library(looplab::asio ALIAS looplab_asio)
endif()

find_package(simdjson QUIET)
looplab_require(simdjson_FOUND libsimdjson-dev "the viewer's trace loader")

# The viewer: Dear ImGui 1.86 (its GLFW and OpenGL3 backends ship as sources with the package),
# GLFW, OpenGL and stb (PNG screenshots). Off with -DLOOPLAB_VIEWER_APP=OFF on a machine without them.
option(LOOPLAB_VIEWER_APP "Build the looplab-viewer application" ON)
if(LOOPLAB_VIEWER_APP)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(LOOPLAB_IMGUI QUIET IMPORTED_TARGET imgui)
    pkg_check_modules(LOOPLAB_GLFW QUIET IMPORTED_TARGET glfw3)
    pkg_check_modules(LOOPLAB_STB QUIET IMPORTED_TARGET stb)
  endif()
  looplab_require(LOOPLAB_IMGUI_FOUND libimgui-dev "the viewer's user interface")
  looplab_require(LOOPLAB_GLFW_FOUND libglfw3-dev "the viewer's window")
  looplab_require(LOOPLAB_STB_FOUND libstb-dev "the viewer's PNG screenshots")
  set(OpenGL_GL_PREFERENCE GLVND)
  find_package(OpenGL QUIET)
  looplab_require(OpenGL_FOUND libgl-dev "the viewer's drawing")
  find_path(LOOPLAB_IMGUI_BACKENDS imgui_impl_glfw.cpp PATHS /usr/share/doc/libimgui-dev/examples/backends NO_DEFAULT_PATH)
  looplab_require(LOOPLAB_IMGUI_BACKENDS libimgui-dev "Dear ImGui's GLFW and OpenGL3 backends (sources)")
  if(LOOPLAB_IMGUI_FOUND AND NOT TARGET looplab::imgui)
    add_library(looplab::imgui ALIAS PkgConfig::LOOPLAB_IMGUI)
    add_library(looplab::glfw ALIAS PkgConfig::LOOPLAB_GLFW)
    add_library(looplab::stb ALIAS PkgConfig::LOOPLAB_STB)
  endif()
endif()

find_package(Threads REQUIRED)

if(_looplab_missing)
  list(JOIN _looplab_missing " " _pkgs)
  message(FATAL_ERROR "looplab needs these Debian packages: ${_pkgs}\n"
                      "Install them with:  sudo apt-get install ${_pkgs}\n"
                      "(./looplab run does this for you.)")
endif()
