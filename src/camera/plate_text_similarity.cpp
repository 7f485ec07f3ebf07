#include "camera/plate_text_similarity.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace safelane::camera {
namespace {

// Characters the plate reader is seen to confuse, as groups.
constexpr std::array<std::string_view, 13> kConfusable = {
    "0ODQ", "1ILT7", "2Z", "38B", "56S", "6G", "4A", "KX", "MNH", "EF", "CG", "PR", "UVY"};

float SubstitutionCost(char a, char b, float other_cost) {
  const auto ua = static_cast<char>(std::toupper(static_cast<unsigned char>(a)));
  const auto ub = static_cast<char>(std::toupper(static_cast<unsigned char>(b)));
  if (ua == ub) return 0.0F;
  for (const auto group : kConfusable) {
    if (group.find(ua) != std::string_view::npos && group.find(ub) != std::string_view::npos) {
      return kConfusableCost;
    }
  }
  return other_cost;
}

float Similarity(std::string_view a, std::string_view b, float other_cost) {
  if (a.empty() || b.empty()) return 0.0F;
  // One row of the Levenshtein table at a time.
  std::vector<float> prev(b.size() + 1);
  std::vector<float> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<float>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = static_cast<float>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({prev[j] + 1.0F, row[j - 1] + 1.0F,
                         prev[j - 1] + SubstitutionCost(a[i - 1], b[j - 1], other_cost)});
    }
    std::swap(prev, row);
  }
  const auto longer = static_cast<float>(std::max(a.size(), b.size()));
  return std::max(0.0F, 1.0F - prev[b.size()] / longer);
}

}  // namespace

float PlateTextSimilarity(std::string_view a, std::string_view b) {
  return Similarity(a, b, 1.0F);
}

float SamePlateSimilarity(std::string_view a, std::string_view b) {
  return Similarity(a, b, 2.0F);
}

}  // namespace safelane::camera
