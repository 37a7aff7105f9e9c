// gui.hpp: the platform side (GLFW window, OpenGL 3.3 context, Dear ImGui's GLFW and OpenGL3
// backends) behind a flat API in the style of ImGui's own backends: open, begin/end a frame,
// save a screenshot, close. Nothing else in the viewer touches GLFW or OpenGL.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct GLFWwindow;

namespace looplab::viewer {

class Gui {
  public:
    // Opens a window with an ImGui context. Returns null and sets `error` (a sentence saying
    // what to do) when there is no display or no OpenGL 3.3.
    static std::unique_ptr<Gui> open(const std::string& title, int width, int height, float font_scale,
                                     std::string& error);
    ~Gui();
    Gui(const Gui&) = delete;
    Gui& operator=(const Gui&) = delete;

    bool should_close() const;
    // A screenshot must not show a tooltip for wherever the (invisible) pointer happens to be.
    void ignore_mouse(bool ignore) { ignore_mouse_ = ignore; }
    void set_title(const std::string& title);  // cheap when unchanged
    // Polls events; true when the frame should be drawn (a minimised window skips drawing).
    void begin_frame();
    // Renders the frame. Call save_png() before end_frame's swap by passing a path here.
    void end_frame(const std::string& screenshot_path = {});
    // Files dropped on the window since the last call.
    std::vector<std::string> take_dropped_files();
    // The result of the last screenshot: empty when it worked, else why not.
    const std::string& screenshot_error() const { return screenshot_error_; }

  private:
    explicit Gui(GLFWwindow* window) : window_(window) {}
    bool save_png(const std::string& path);

    GLFWwindow* window_;
    bool ignore_mouse_ = false;
    std::string title_;
    std::string screenshot_error_;
};

}  // namespace looplab::viewer
