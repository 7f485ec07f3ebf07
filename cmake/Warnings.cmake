# Warnings are errors for the project's own code; third-party headers come in as
# SYSTEM includes through their imported targets, so they do not trip these.
add_library(safelane_warnings INTERFACE)
target_compile_options(safelane_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
  -Wformat=2 -Wimplicit-fallthrough)
