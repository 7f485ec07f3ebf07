#include "store/ingestor.h"

#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace safelane::store {
namespace {

using testing::kT0;
using testing::StoreTest;

class IngestorTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    AddCamera("cam", 41.3, 69.2, "Tashkent");
  }

  // Ingests one event and returns its result.
  IngestResult One(const IncomingEvent& in) {
    auto r = ingestor_->Ingest(std::span(&in, 1));
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? (*r)[0] : IngestResult{};
  }

  // The refusal left nothing behind: no read and no vault object for the event.
  void ExpectNothingStored(const IncomingEvent& in, const std::string& event_id) {
    EXPECT_FALSE(store_->GetRead(event_id)->has_value());
    for (const auto& object : in.evidence) {
      EXPECT_FALSE(vault_->Contains(security::Sha256Hex(object)));
    }
  }
};

TEST_P(IngestorTest, AcceptsSignedEventsAndIsIdempotent) {
  const std::vector<IncomingEvent> batch = {
      Signed(MakeEvent("e1", "cam", "01A123BC", kT0)),
      Signed(MakeEvent("e2", "cam", "01A124BC", kT0), {"frame", "crop"})};
  IngestAll(batch);
  auto again = ingestor_->Ingest(batch);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].status, IngestStatus::kDuplicate);
  EXPECT_EQ((*again)[1].status, IngestStatus::kDuplicate);
  auto stored = store_->GetRead("e2");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  ASSERT_EQ((*stored)->event.evidence.size(), 2U);
  for (const auto& ref : (*stored)->event.evidence) {
    auto bytes = vault_->Get(ref.sha256);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    EXPECT_EQ(bytes->size(), ref.size_bytes);
  }
}

TEST_P(IngestorTest, SameIdWithOtherContentIsRefusedAndTheOriginalKept) {
  IngestAll({Signed(MakeEvent("e1", "cam", "01A123BC", kT0))});
  const auto forged = Signed(MakeEvent("e1", "cam", "01A999BC", kT0), {"other frame"});
  const IngestResult r = One(forged);
  EXPECT_EQ(r.status, IngestStatus::kRefused);
  EXPECT_NE(r.reason.find("different content"), std::string::npos);
  EXPECT_EQ((*store_->GetRead("e1"))->event.plate, "01A123BC");
  EXPECT_FALSE(vault_->Contains(security::Sha256Hex(forged.evidence[0])));
}

TEST_P(IngestorTest, BadSignatureIsRefused) {
  auto in = Signed(MakeEvent("e1", "cam", "01A123BC", kT0));
  in.signature_hex[10] = in.signature_hex[10] == 'a' ? 'b' : 'a';
  const IngestResult r = One(in);
  EXPECT_EQ(r.status, IngestStatus::kRefused);
  EXPECT_EQ(r.event_id, "e1");
  EXPECT_NE(r.reason.find("bad signature"), std::string::npos);
  ExpectNothingStored(in, "e1");

  in.signature_hex = "zz";
  EXPECT_NE(One(in).reason.find("128 hex digits"), std::string::npos);
}

TEST_P(IngestorTest, SignedByAnotherCamerasKeyIsRefused) {
  AddCamera("other", 41.0, 69.0, "Tashkent");
  auto in = Signed(MakeEvent("e1", "other", "01A123BC", kT0));
  // The manifest names "cam" but carries the signature of "other".
  auto e = *ParseManifest(in.manifest);
  e.camera_id = "cam";
  in.manifest = ManifestJson(e);
  in.signature_hex = security::ToHex(keys_.at("other").Sign(security::AsBytes(in.manifest)));
  EXPECT_NE(One(in).reason.find("bad signature"), std::string::npos);
  ExpectNothingStored(in, "e1");
}

TEST_P(IngestorTest, UnknownAndRetiredCamerasAreRefused) {
  AddCamera("ghost", 0, 0, "");
  auto in = Signed(MakeEvent("e1", "ghost", "01A123BC", kT0));
  Camera retired = *store_->GetCamera("ghost").value();
  retired.status = CameraStatus::kRetired;
  ASSERT_TRUE(store_->RegisterCamera(retired).ok());
  EXPECT_NE(One(in).reason.find("retired"), std::string::npos);

  auto e = *ParseManifest(in.manifest);
  e.camera_id = "nobody";
  in.manifest = ManifestJson(e);
  EXPECT_EQ(One(in).reason, "unknown camera 'nobody'");
  ExpectNothingStored(in, "e1");
}

TEST_P(IngestorTest, EvidenceThatDoesNotMatchItsManifestIsRefused) {
  auto in = Signed(MakeEvent("e1", "cam", "01A123BC", kT0), {"frame", "crop"});
  auto swapped = in;
  swapped.evidence[0].back() ^= 1;  // same size, different bytes
  const IngestResult r = One(swapped);
  EXPECT_EQ(r.status, IngestStatus::kRefused);
  EXPECT_NE(r.reason.find("SHA-256 of the bytes is"), std::string::npos) << r.reason;
  ExpectNothingStored(in, "e1");

  auto missing = in;
  missing.evidence.pop_back();
  EXPECT_NE(One(missing).reason.find("lists 2 evidence objects, 1 arrived"), std::string::npos);
  auto longer = in;
  longer.evidence[1].push_back('x');
  EXPECT_NE(One(longer).reason.find("bytes, the manifest says"), std::string::npos);
  ExpectNothingStored(in, "e1");
}

TEST_P(IngestorTest, MalformedEventIsRefusedAndTheRestOfTheBatchKept) {
  auto bad = Signed(MakeEvent("e1", "cam", "01A123BC", kT0));
  bad.manifest.insert(1, " ");
  const std::vector<IncomingEvent> batch = {bad, Signed(MakeEvent("e2", "cam", "01A124BC", kT0))};
  auto r = ingestor_->Ingest(batch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].status, IngestStatus::kRefused);
  EXPECT_NE((*r)[0].reason.find("malformed manifest"), std::string::npos);
  EXPECT_EQ((*r)[1].status, IngestStatus::kAccepted);
}

TEST_P(IngestorTest, AFailedTransactionLeavesNeitherReadsNorEvidence) {
  // Make the database refuse one row half-way through the batch.
  ASSERT_EQ(RawExec("CREATE TRIGGER fail BEFORE INSERT ON reads WHEN NEW.plate = '66X666XX'"
                    " BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
                    "CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    " IF NEW.plate = '66X666XX' THEN RAISE EXCEPTION 'disk on fire'; END IF;"
                    " RETURN NEW; END $$; CREATE TRIGGER fail BEFORE INSERT ON reads"
                    " FOR EACH ROW EXECUTE FUNCTION fail()"),
            "");
  const std::vector<IncomingEvent> batch = {Signed(MakeEvent("e1", "cam", "01A123BC", kT0)),
                                            Signed(MakeEvent("e2", "cam", "66X666XX", kT0)),
                                            Signed(MakeEvent("e3", "cam", "01A125BC", kT0))};
  auto r = ingestor_->Ingest(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("disk on fire"), std::string::npos);
  ExpectNothingStored(batch[0], "e1");
  ExpectNothingStored(batch[1], "e2");
  ExpectNothingStored(batch[2], "e3");
}

TEST_P(IngestorTest, OversizedBatchIsRefusedWhole) {
  const std::vector<IncomingEvent> batch(kMaxIngestBatch + 1);
  auto r = ingestor_->Ingest(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
}

SAFELANE_ALL_BACKENDS(IngestorTest);

}  // namespace
}  // namespace safelane::store
