// time_axis.hpp: the mapping between trace time and screen x that the timeline and the ruler share.
#pragma once

#include <algorithm>
#include <cmath>

#include "app.hpp"

namespace looplab::viewer {

struct TimeAxis {
    float x0 = 0;        // screen x of view.t0
    float x1 = 1;        // screen x of view.t1
    ViewRange view;

    float to_x(Micros t) const {
        return x0 + static_cast<float>((t - view.t0) / view.width()) * (x1 - x0);
    }
    Micros to_t(float x) const { return view.t0 + static_cast<double>(x - x0) / (x1 - x0) * view.width(); }
    Micros per_pixel() const { return view.width() / std::max(1.0f, x1 - x0); }
};

// Zooms `view` by `factor` (< 1 zooms in) keeping time `anchor` under the same pixel.
inline void zoom_view(ViewRange& view, Micros anchor, double factor, Micros trace_end) {
    // 10 ns is below the trace's precision; far from zero, doubles cannot even tell 10 ns apart,
    // so the limit grows with the time shown.
    const Micros min_width = std::max(0.01, std::abs(anchor) * 1e-9);
    const Micros max_width = std::max(Micros{1000}, trace_end * 10);
    const Micros width = std::clamp(view.width() * factor, min_width, max_width);
    const double left = (anchor - view.t0) / view.width();
    view.t0 = anchor - left * width;
    view.t1 = view.t0 + width;
}

}  // namespace looplab::viewer
