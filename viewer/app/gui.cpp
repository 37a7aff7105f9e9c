// gui.cpp: GLFW, OpenGL and Dear ImGui's backends (see gui.hpp). The backends are Dear ImGui
// 1.86's own imgui_impl_glfw.cpp and imgui_impl_opengl3.cpp, compiled from Debian's package.
#include "gui.hpp"

#include <cfloat>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <fmt/format.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

namespace looplab::viewer {
namespace {

std::string glfw_error;                 // the last GLFW error, for the message when opening fails
std::vector<std::string> dropped_files; // filled by GLFW's drop callback, on the UI thread

void on_glfw_error(int code, const char* description) {
    glfw_error = fmt::format("{} (GLFW error {:#x})", description, code);
}

void on_drop(GLFWwindow*, int count, const char** paths) {
    for (int i = 0; i < count; ++i) dropped_files.emplace_back(paths[i]);
}

// ImGui's default font is a 13-pixel bitmap: scaling the texture blurs it, so a bigger scale
// rasterises the font at the bigger size instead.
void load_font(float font_scale) {
    ImFontConfig config;
    config.SizePixels = 13.0f * font_scale;
    ImGui::GetIO().Fonts->AddFontDefault(&config);
}

}  // namespace

std::unique_ptr<Gui> Gui::open(const std::string& title, int width, int height, float font_scale, std::string& error) {
    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) {
        error = fmt::format("looplab-viewer could not start its window: {}.\n"
                            "Without a display (a server, CI, ssh), render to a file instead:\n"
                            "  xvfb-run -a looplab-viewer --screenshot out.png", glfw_error);
        return nullptr;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    GLFWwindow* window = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
    if (!window) {
        error = fmt::format("looplab-viewer needs OpenGL 3.3, and could not get it: {}.", glfw_error);
        glfwTerminate();
        return nullptr;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    glfwSetDropCallback(window, on_drop);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // the layout is computed, nothing to remember
    ImGui::StyleColorsDark();
    ImGui::GetStyle().ScaleAllSizes(font_scale);
    load_font(font_scale);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330");
    auto gui = std::unique_ptr<Gui>(new Gui(window));
    gui->title_ = title;
    return gui;
}

Gui::~Gui() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
    glfwTerminate();
}

bool Gui::should_close() const { return glfwWindowShouldClose(window_) != 0; }

void Gui::set_title(const std::string& title) {
    if (title == title_) return;  // a round trip to the window system: only when it changed
    title_ = title;
    glfwSetWindowTitle(window_, title.c_str());
}

void Gui::begin_frame() {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (ignore_mouse_) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // ImGui's "no mouse"
    ImGui::NewFrame();
}

void Gui::end_frame(const std::string& screenshot_path) {
    ImGui::Render();
    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(window_, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(0.08f, 0.08f, 0.10f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (!screenshot_path.empty()) save_png(screenshot_path);  // before the swap: the back buffer is ours
    glfwSwapBuffers(window_);
}

std::vector<std::string> Gui::take_dropped_files() {
    std::vector<std::string> files;
    files.swap(dropped_files);
    return files;
}

// Reads the back buffer and writes it with stb_image_write (OpenGL's rows go bottom-up).
bool Gui::save_png(const std::string& path) {
    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(window_, &width, &height);
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1);
    if (stbi_write_png(path.c_str(), width, height, 3, pixels.data(), width * 3) == 0) {
        screenshot_error_ = fmt::format("could not write the screenshot to {}", path);
        return false;
    }
    screenshot_error_.clear();
    return true;
}

}  // namespace looplab::viewer
