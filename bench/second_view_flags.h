#pragma once
// The second-view flags shared by the read benches (accuracy.cpp, speed.cpp): both default
// to what `safelane read` does on still images, so a bench measures the shipped engine
// unless told otherwise.

#include <CLI/CLI.hpp>

#include "vision/plate_recognizer.h"

namespace safelane::bench {

inline void AddSecondViewFlags(CLI::App& app, vision::RecognizerOptions& options) {
  options.second_view_margin_x = vision::kStillImageSecondView;
  options.second_view_margin_y = vision::kStillImageSecondView;
  app.add_option("--second-view-x", options.second_view_margin_x,
                 "width margin of a second, wider crop read beside the first (0 with "
                 "--second-view-y 0: none)")
      ->default_val(options.second_view_margin_x);
  app.add_option("--second-view-y", options.second_view_margin_y,
                 "height margin of the second crop")
      ->default_val(options.second_view_margin_y);
}

}  // namespace safelane::bench
