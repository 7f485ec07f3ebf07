#pragma once
// PlateTextSimilarity: how likely two readings are of the same plate, misread differently.
//
// A weighted edit distance: inserting or deleting a character costs 1 (a plate half out of
// the frame loses characters), substituting a character for one the reader confuses with
// it (0/O/D/Q, 1/I/L/T/7, 2/Z, 3/8/B, 5/S/6, 6/G, 4/A, K/X, M/N/H, E/F, C/G, P/R, U/V/Y)
// costs kConfusableCost, any other substitution 1. Similarity = 1 - distance / longer
// length, in [0, 1]; 0 when either text is empty (an unread crop says nothing).
// Measured on the test video's misreads: 10X564SA vs 13K564SA 0.83, vs 01K554SA 0.65,
// vs DK554SA 0.73; two different plates of the same format score about 0.1-0.4.

#include <string_view>

namespace safelane::camera {

inline constexpr float kConfusableCost = 0.4F;

float PlateTextSimilarity(std::string_view a, std::string_view b);

// The same measure with a substitution of characters the reader does NOT confuse costing 2
// (as much as deleting one and inserting the other): for deciding that the reads of two
// different tracks are one vehicle (duplicate_read_window.h), where a misread is likely but a
// second plate one character apart must stay a second plate. 75A819FA vs 5A819FA (the first
// character lost) 0.875, 10A910BA vs 10A91OBA 0.95, 01A123BC vs 01A123BD 0.75.
float SamePlateSimilarity(std::string_view a, std::string_view b);

}  // namespace safelane::camera
