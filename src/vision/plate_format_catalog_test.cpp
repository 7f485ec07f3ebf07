#include "vision/plate_format_catalog.h"

#include <gtest/gtest.h>

namespace safelane::vision {
namespace {

const CountryFormats& Uz() {
  const auto* uz = PlateFormatCatalog::Builtin().Find("uz");
  EXPECT_NE(uz, nullptr);
  return *uz;
}

std::string FormatOf(const CountryFormats& c, std::string_view text) {
  const auto* f = PlateFormatCatalog::Match(c, text);
  return f != nullptr ? f->id : "";
}

TEST(PlateFormatCatalog, BuiltinHasEveryCountry) {
  for (const char* cc : {"uz", "eu", "us", "br"}) {
    EXPECT_NE(PlateFormatCatalog::Builtin().Find(cc), nullptr) << cc;
  }
}

TEST(PlateFormatCatalog, UzbekFormats) {
  EXPECT_EQ(FormatOf(Uz(), "01A123BC"), "uz-private");
  EXPECT_EQ(FormatOf(Uz(), "40Z777AA"), "uz-private");
  EXPECT_EQ(FormatOf(Uz(), "01123ABC"), "uz-legal");
  // The letter I is never an Uzbek series letter; such a text is at most a vanity plate.
  EXPECT_NE(FormatOf(Uz(), "01I123BC"), "uz-private");
  EXPECT_EQ(FormatOf(Uz(), "00A123BC"), "") << "region 00 does not exist";
}

TEST(PlateFormatCatalog, EveryFormatHasAUsableShape) {
  for (const auto& c : PlateFormatCatalog::Builtin().countries()) {
    double prior_sum = 0.0;
    for (const auto& f : c.formats) {
      prior_sum += f.prior;
      EXPECT_LE(f.min_len, f.max_len) << f.id;
    }
    EXPECT_NEAR(prior_sum, 1.0, 0.05) << c.country;
  }
}

TEST(PlateFormatCatalog, ConfusableCorrectionFitsTheTemplate) {
  const auto fixes = PlateFormatCatalog::Corrections(Uz(), "O1A123BC");
  EXPECT_NE(std::find(fixes.begin(), fixes.end(), "01A123BC"), fixes.end()) << "no fix";
  const auto digit_fix = PlateFormatCatalog::Corrections(Uz(), "01A1Z3BC");
  EXPECT_NE(std::find(digit_fix.begin(), digit_fix.end(), "01A123BC"), digit_fix.end());
  // Letters where digits belong and vice versa in one text.
  const auto both = PlateFormatCatalog::Corrections(Uz(), "0141238C");
  EXPECT_NE(std::find(both.begin(), both.end(), "01A123BC"), both.end());
  // A fitting text needs no correction; an unrelated length has none.
  EXPECT_TRUE(PlateFormatCatalog::Corrections(Uz(), "ABC").empty());
}

TEST(PlateFormatCatalog, Display) {
  EXPECT_EQ(PlateFormatCatalog::Display(PlateFormatCatalog::Match(Uz(), "01A123BC"), "01A123BC"),
            "01 A 123 BC");
  EXPECT_EQ(PlateFormatCatalog::Display(nullptr, "XYZ"), "XYZ");
}

TEST(PlateFormatCatalog, RejectsBadDocumentsWithTheirName) {
  const auto broken = PlateFormatCatalog::FromJson({{"xx.json", "{not json"}});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(broken.error().message.find("xx.json"), std::string::npos);

  const auto unknown = PlateFormatCatalog::FromJson({{"yy.json", R"({"country": "yy",
      "alphabet": "AB", "formats": [{"id": "a", "regex": "^A$", "prior": 1, "colour": "x"}]})"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown key 'colour'"), std::string::npos);

  const auto bad_regex = PlateFormatCatalog::FromJson(
      {{"zz.json",
        R"({"country": "zz", "alphabet": "AB", "formats": [{"id": "a", "regex": "(", "prior": 1}]})"}});
  ASSERT_FALSE(bad_regex.ok());
  EXPECT_NE(bad_regex.error().message.find("zz.json: formats[0]"), std::string::npos);
}

}  // namespace
}  // namespace safelane::vision
