#include "store/stored_zip.h"

#include <gtest/gtest.h>

namespace safelane::store {
namespace {

using security::Bytes;

std::vector<ZipEntry> Sample() {
  return {{"package.json", Bytes{'{', '}'}},
          {"evidence/abc", Bytes(300, 0x5a)},
          {"empty.txt", Bytes{}}};
}

TEST(StoredZip, RoundTripsAndIsDeterministic) {
  auto zip = WriteStoredZip(Sample());
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  EXPECT_EQ(*zip, *WriteStoredZip(Sample()));
  auto back = ReadStoredZip(*zip);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*back)[i].name, Sample()[i].name);
    EXPECT_EQ((*back)[i].data, Sample()[i].data);
  }
  // The standard layout: "PK\3\4" first, the end record last.
  EXPECT_EQ((*zip)[0], 'P');
  EXPECT_EQ((*zip)[1], 'K');
  EXPECT_EQ((*zip)[zip->size() - 22], 'P');
}

TEST(StoredZip, EverySingleChangedByteIsRefused) {
  const Bytes zip = *WriteStoredZip(Sample());
  for (std::size_t i = 0; i < zip.size(); ++i) {
    for (const std::uint8_t flip : {0x01, 0x80}) {
      Bytes altered = zip;
      altered[i] ^= flip;
      EXPECT_FALSE(ReadStoredZip(altered).ok()) << "byte " << i << " ^ " << int{flip};
    }
  }
}

TEST(StoredZip, TruncatedAppendedAndEmptyAreRefused) {
  const Bytes zip = *WriteStoredZip(Sample());
  for (std::size_t n = 0; n < zip.size(); n += 7) {
    EXPECT_FALSE(ReadStoredZip(security::ByteSpan(zip).first(n)).ok()) << n;
  }
  Bytes appended = zip;
  appended.push_back(0);
  EXPECT_FALSE(ReadStoredZip(appended).ok());
  EXPECT_TRUE(ReadStoredZip(*WriteStoredZip({})).ok());  // an empty archive is well-formed
}

TEST(StoredZip, UnsafeOrRepeatedNamesAndLimits) {
  for (const char* name : {"", "/abs", "../up", "a/../b", "dir/", "sp ace", "a//b"}) {
    EXPECT_FALSE(WriteStoredZip({{name, {}}}).ok()) << name;
  }
  EXPECT_FALSE(WriteStoredZip({{"a", {}}, {"a", {}}}).ok());
  EXPECT_FALSE(WriteStoredZip(Sample(), ZipLimits{.max_entries = 2}).ok());
  const Bytes zip = *WriteStoredZip(Sample());
  EXPECT_FALSE(ReadStoredZip(zip, ZipLimits{.max_entries = 2}).ok());
  EXPECT_FALSE(ReadStoredZip(zip, ZipLimits{.max_archive_bytes = zip.size() - 1}).ok());
}

}  // namespace
}  // namespace safelane::store
