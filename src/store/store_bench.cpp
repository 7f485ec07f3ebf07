// safelane-store-bench: sustained batched ingest into the SQLite store, and journey and
// wildcard query latency over N generated reads. Plain program, not Google Benchmark: it
// measures one long run, not per-iteration micro-costs (see docs/decisions.md).
//
//   safelane-store-bench --reads 1000000 [--batch 1000] [--queries 1000] [--json]
//                        [--backend sqlite|postgres --postgres CONNINFO] [--bulk-load]
//                        [--event-ids camera|sequential]
//
// Two ingest paths are timed:
//   store:    Store::InsertReads, the database part (each read with one evidence ref);
//             capture times advance as a live feed's do, or scatter (--random-times);
//             event ids are named as cameras name them ("<camera>-<ms>-t<track>", so
//             each camera's ids ascend on their own) or as one global counter
//             (--event-ids sequential: one insertion point in the event-id index)
//   verified: Ingestor end to end on a smaller sample: manifest parse, Ed25519 check,
//             SHA-256 of a 2 KiB evidence object, vault encryption, database
// --bulk-load (SQLite) replaces the store ingest with bulk_read_load.h (indexes dropped,
// rebuilt after the load), to reach 10-100 million reads in reasonable time: the queries
// then run on the store's own schema and indexes, but no ingest rate is measured.
// --preload N (SQLite) bulk-loads N reads that way first and then times the ingest of
// --reads more: the rate into a store that already holds N.
// Queries: journey (7 days), wildcard with a fixed prefix (over every stored read, and over
// 7 days), exact plate, one hour of all reads, one camera's day, cameras near a point, and
// whether an evidence address no read names is referenced (the retention purge's and the
// ingest undo's worst case).
// Last, the retention purge of the reads captured in the first --purge-days days (a tenth
// of them with the default 3 of 30), timed: what every unmatched read costs again when it
// expires.
// Everything lives in a fresh temporary directory, removed at the end unless --keep.

#include <fmt/format.h>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): mkdtemp is POSIX

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "security/ed25519.h"
#include "security/master_key.h"
#include "security/sha256.h"
#include "store/bulk_read_load.h"
#include "store/event_manifest.h"
#include "store/evidence_vault.h"
#include "store/ingestor.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace safelane::store {
namespace {

using Seconds = std::chrono::duration<double>;

// Process CPU time: on a shared, loaded machine wall-clock rates mostly measure the
// other processes, so both are reported.
double CpuSeconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}
using SteadyClock = std::chrono::steady_clock;

struct BenchArgs {
  std::int64_t reads = 1'000'000;
  int batch = 1000;
  int queries = 1000;
  int cameras = 500;
  int reads_per_plate = 20;  // average sightings of one vehicle over the 30 days
  std::int64_t verified = 20'000;
  std::string dir;
  bool keep = false;
  bool json_output = false;
  unsigned seed = 1;
  int cache_mib = SqliteOptions{}.cache_mib;
  int wal_checkpoint_mib = SqliteOptions{}.wal_checkpoint_mib;
  bool random_times = false;
  bool sync_each_commit = false;
  bool bulk_load = false;
  std::int64_t preload = 0;           // reads bulk-loaded before the timed ingest
  bool sequential_event_ids = false;  // --event-ids sequential
  int purge_days = 3;                 // 0: no purge
  std::string backend = "sqlite";
  std::string postgres;  // connection string of an empty database (postgres backend)
};

// 2026-01-01T00:00:00Z; reads spread over 30 days from here.
const TimePoint kStart = FromMillis(1'767'225'600'000);
constexpr std::int64_t kSpanMs = 30LL * 24 * 3600 * 1000;

// Uzbek private plates: region, letter, three digits, two letters ("01A123BC").
std::string RandomPlate(std::mt19937_64& rng) {
  static const char* kRegions[] = {"01", "10", "20", "25", "30", "40", "50",
                                   "60", "70", "75", "80", "85", "90", "95"};
  std::uniform_int_distribution<int> region(0, 13);
  std::uniform_int_distribution<int> letter(0, 25);
  std::uniform_int_distribution<int> digit(0, 9);
  std::string p = kRegions[region(rng)];
  p += static_cast<char>('A' + letter(rng));
  for (int i = 0; i < 3; ++i) p += static_cast<char>('0' + digit(rng));
  p += static_cast<char>('A' + letter(rng));
  p += static_cast<char>('A' + letter(rng));
  return p;
}

struct Latency {
  double p50_ms;
  double p99_ms;
  double max_ms;
  double mean_rows;
};

Latency Summarise(std::vector<double> ms, double rows) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[static_cast<std::size_t>(q * (ms.size() - 1))]; };
  return {at(0.50), at(0.99), ms.back(), rows / ms.size()};
}

// Wall and CPU milliseconds of every call of one kind of query, and the rows they found.
struct QueryTimes {
  std::vector<double> wall_ms;
  std::vector<double> cpu_ms;
  double rows = 0;

  // query() returns the rows it found, or the error that ends the bench.
  template <typename Query>
  Result<Done> Time(Query&& query) {
    const auto t0 = SteadyClock::now();
    const double c0 = CpuSeconds();
    Result<std::size_t> found = query();
    cpu_ms.push_back((CpuSeconds() - c0) * 1000);
    wall_ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
    if (!found) return found.error();
    rows += static_cast<double>(*found);
    return Done{};
  }
  Latency Wall() const { return Summarise(wall_ms, rows); }
  Latency Cpu() const { return Summarise(cpu_ms, rows); }
};

template <typename T>
Result<std::size_t> RowCount(const Result<std::vector<T>>& rows) {
  if (!rows) return rows.error();
  return rows->size();
}

std::uintmax_t DatabaseBytes(const std::filesystem::path& dir) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    const auto n =
        std::filesystem::file_size(dir / (std::string(SqliteStore::kDatabaseFile) + suffix), ec);
    if (!ec) total += n;
  }
  return total;
}

int Run(const BenchArgs& args) {
  std::string root = args.dir;
  if (root.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "safelane-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "safelane-store-bench: cannot create a temporary directory\n";
      return 2;
    }
    root = pattern;
  }
  const std::filesystem::path dir(root);
  std::mt19937_64 rng(args.seed);
  SystemClock clock;
  const SqliteOptions sqlite_options{.cache_mib = args.cache_mib,
                                     .wal_checkpoint_mib = args.wal_checkpoint_mib,
                                     .sync_each_commit = args.sync_each_commit};
  auto open_store = [&]() -> Result<std::unique_ptr<Store>> {
    if (args.backend == "postgres") {
      auto pg = PostgresStore::Open({.conninfo = args.postgres}, clock);
      if (!pg) return pg.error();
      return std::unique_ptr<Store>(std::move(*pg));
    }
    auto lite = SqliteStore::Open(dir / "data", clock, sqlite_options);
    if (!lite) return lite.error();
    return std::unique_ptr<Store>(std::move(*lite));
  };
  auto store = open_store();
  if (!store) {
    std::cerr << "safelane-store-bench: " << store.error().message << "\n";
    return 2;
  }

  // Cameras on a grid around Tashkent, each with a real key.
  std::vector<security::SigningKey> keys;
  std::vector<Camera> cameras;
  for (int c = 0; c < args.cameras; ++c) {
    auto key = security::SigningKey::Generate();
    if (!key) return 2;
    const Camera cam{fmt::format("cam-{:04}", c),  fmt::format("Camera {}", c),
                     41.2 + 0.002 * (c % 100),     69.1 + 0.002 * (c / 100.0),
                     static_cast<double>(c % 360), c % 5 == 0 ? "Samarkand" : "Tashkent",
                     CameraStatus::kActive,        key->public_key()};
    if (auto r = (*store)->RegisterCamera(cam); !r) {
      std::cerr << r.error().message << "\n";
      return 2;
    }
    keys.push_back(std::move(*key));
    cameras.push_back(cam);
  }
  // Every read the store gets, preloaded or ingested (capture times spread over all).
  const std::int64_t total = args.preload + args.reads;
  const std::int64_t plate_count = std::max<std::int64_t>(1, total / args.reads_per_plate);
  std::vector<std::string> plates;
  plates.reserve(plate_count);
  for (std::int64_t i = 0; i < plate_count; ++i) plates.push_back(RandomPlate(rng));

  // --- store ingest ---------------------------------------------------------------
  std::uniform_int_distribution<std::int64_t> plate_pick(0, plate_count - 1);
  std::uniform_int_distribution<int> camera_pick(0, args.cameras - 1);
  std::uniform_int_distribution<std::int64_t> time_pick(0, kSpanMs - 1);
  std::uniform_int_distribution<std::int64_t> jitter_pick(0, 60'000);
  static const char* kClasses[] = {"car", "car", "car", "van", "truck", "bus"};
  static const char* kColours[] = {"white", "white", "black", "silver", "red", "blue"};
  security::Signature signature{};
  signature.fill(0x5a);  // the database stores it opaquely; signing is timed separately below
  // Read number `next`, drawn from rng (so reads must be made in order).
  auto make_read = [&](std::int64_t next) {
    ReadEvent e;
    e.camera_id = fmt::format("cam-{:04}", camera_pick(rng));
    // Cameras report as they see: capture times advance through the 30 days, with up to
    // a minute of jitter (late uploads). --random-times scatters them instead.
    e.captured_at = args.random_times
                        ? kStart + milliseconds(time_pick(rng))
                        : kStart + milliseconds(next * (kSpanMs / total) + jitter_pick(rng));
    // As camera/read_event_signer.cpp names them: camera, capture millisecond, track (here
    // the read's number, which keeps every id unique).
    e.event_id = args.sequential_event_ids
                     ? fmt::format("ev-{:010}", next)
                     : fmt::format("{}-{}-t{}", e.camera_id, ToMillis(e.captured_at), next);
    e.plate = plates[plate_pick(rng)];
    e.confidence = 0.9;
    e.country = "uz";
    e.vehicle_class = kClasses[next % 6];
    e.colour = kColours[(next / 7) % 6];
    const std::string id_bytes = e.event_id;
    e.evidence.push_back({"overview", security::Sha256Hex(security::AsBytes(id_bytes)), 180'000});
    return SignedRead{std::move(e), signature};
  };
  std::vector<SignedRead> batch;
  std::vector<double> batch_seconds;
  std::vector<double> batch_cpu_seconds;
  BulkLoadReport bulk;
  if (args.bulk_load || args.preload > 0) {
    store->reset();  // the load needs the file to itself
    auto loaded = BulkLoadReads(
        dir / "data" / SqliteStore::kDatabaseFile,
        {.reads = args.bulk_load ? args.reads : args.preload, .cache_mib = args.cache_mib},
        make_read);
    if (!loaded) {
      std::cerr << "safelane-store-bench: " << loaded.error().message << "\n";
      return 1;
    }
    bulk = *loaded;
    store = open_store();
    if (!store) {
      std::cerr << "safelane-store-bench: " << store.error().message << "\n";
      return 2;
    }
  }
  const auto ingest_start = SteadyClock::now();
  double ingest_cpu_s = 0;  // inside InsertReads only, not generating the reads
  for (std::int64_t next = args.preload; !args.bulk_load && next < total;) {
    batch.clear();
    for (int i = 0; i < args.batch && next < total; ++i, ++next) {
      batch.push_back(make_read(next));
    }
    const auto t0 = SteadyClock::now();
    const double c0 = CpuSeconds();
    auto outcomes = (*store)->InsertReads(batch, clock.Now());
    ingest_cpu_s += CpuSeconds() - c0;
    batch_cpu_seconds.push_back(CpuSeconds() - c0);
    batch_seconds.push_back(Seconds(SteadyClock::now() - t0).count());
    if (!outcomes) {
      std::cerr << "safelane-store-bench: " << outcomes.error().message << "\n";
      return 1;
    }
  }
  const double ingest_s = Seconds(SteadyClock::now() - ingest_start).count();
  const std::size_t tenth = std::max<std::size_t>(1, batch_seconds.size() / 10);
  double first_s = 0;
  double last_s = 0;
  double last_cpu_s = 0;  // the sustained rate: the store already holds nine tenths
  for (std::size_t i = 0; i < tenth && i < batch_seconds.size(); ++i) {
    first_s += batch_seconds[i];
    last_s += batch_seconds[batch_seconds.size() - 1 - i];
    last_cpu_s += batch_cpu_seconds[batch_cpu_seconds.size() - 1 - i];
  }
  const double reads_per_tenth =
      batch_seconds.empty() ? 0 : static_cast<double>(args.reads) / batch_seconds.size() * tenth;

  // --- queries ----------------------------------------------------------------------
  QueryTimes journeys;
  QueryTimes wildcards;
  QueryTimes week_wildcards;
  QueryTimes exacts;
  QueryTimes hours_of_reads;
  QueryTimes camera_days;
  QueryTimes nears;
  QueryTimes evidence_checks;
  std::uniform_int_distribution<std::int64_t> window_pick(0, kSpanMs - 7LL * 24 * 3600 * 1000);
  std::uniform_real_distribution<double> offset_deg(-0.02, 0.02);
  for (int q = 0; q < args.queries; ++q) {
    const std::string& plate = plates[plate_pick(rng)];
    const TimePoint from = kStart + milliseconds(window_pick(rng));
    const Camera& camera = cameras[camera_pick(rng)];
    // "01A*BC": region and series letter fixed, digits unknown, last two letters known.
    const auto wildcard = PlatePattern::Parse(plate.substr(0, 3) + "*" + plate.substr(6));
    // Another plate's, so its pages are not the ones the unbounded wildcard just read.
    const std::string& other = plates[plate_pick(rng)];
    const auto week_wildcard = PlatePattern::Parse(other.substr(0, 3) + "*" + other.substr(6));
    const auto exact = PlatePattern::Parse(plate);
    Store& s = **store;
    for (const auto& r :
         {journeys.Time([&] {
            return RowCount(s.Journey(plate, from, from + hours(24 * 7), kMaxQueryLimit));
          }),
          wildcards.Time([&] { return RowCount(s.SearchReads({.plate = *wildcard})); }),
          week_wildcards.Time([&] {
            return RowCount(
                s.SearchReads({.plate = *week_wildcard, .from = from, .to = from + hours(24 * 7)}));
          }),
          exacts.Time([&] { return RowCount(s.SearchReads({.plate = *exact})); }),
          // The first 1,000 reads of one hour, all cameras (the time index).
          hours_of_reads.Time(
              [&] { return RowCount(s.SearchReads({.from = from, .to = from + hours(1)})); }),
          // One camera's first 1,000 reads of a day (the camera-time index).
          camera_days.Time([&] {
            return RowCount(
                s.SearchReads({.from = from, .to = from + hours(24), .camera_id = camera.id}));
          }),
          nears.Time([&] {
            return RowCount(s.CamerasNear(camera.latitude + offset_deg(rng),
                                          camera.longitude + offset_deg(rng), 1000, 50));
          }),
          // An address no read names: every place it could be listed is looked at.
          evidence_checks.Time([&]() -> Result<std::size_t> {
            const std::string absent = fmt::format("absent-{}", q);
            auto used = s.IsEvidenceReferenced(security::Sha256Hex(security::AsBytes(absent)));
            if (!used) return used.error();
            return std::size_t{*used ? 1U : 0U};
          })}) {
      if (!r) {
        std::cerr << "safelane-store-bench: " << r.error().message << "\n";
        return 1;
      }
    }
  }

  // --- verified ingest: the whole path a camera's event takes ------------------------
  double verified_rate = 0;
  double verified_cpu_rate = 0;
  if (args.verified > 0) {
    auto master = security::CreateMasterKeyFile(dir / "master.key");
    if (!master) return 2;
    auto vault = EvidenceVault::Open(dir / "data" / "vault", *master);
    if (!vault) return 2;
    Ingestor ingestor(**store, *vault, clock);
    std::vector<IncomingEvent> events;
    double verified_s = 0;
    double verified_cpu_s = 0;
    std::uniform_int_distribution<int> byte(0, 255);
    for (std::int64_t next = 0; next < args.verified;) {
      events.clear();
      for (int i = 0; i < args.batch && next < args.verified; ++i, ++next) {
        const int cam = camera_pick(rng);
        security::Bytes image(2048);
        for (auto& b : image) b = static_cast<std::uint8_t>(byte(rng));
        ReadEvent e{fmt::format("verified-{:010}", next),
                    fmt::format("cam-{:04}", cam),
                    kStart + milliseconds(time_pick(rng)),
                    plates[plate_pick(rng)],
                    0.9,
                    "uz",
                    "car",
                    "white",
                    {{"overview", security::Sha256Hex(image), image.size()}}};
        IncomingEvent in{ManifestJson(e), {}, {std::move(image)}};
        in.signature_hex = security::ToHex(keys[cam].Sign(security::AsBytes(in.manifest)));
        events.push_back(std::move(in));
      }
      const auto t0 = SteadyClock::now();
      const double c0 = CpuSeconds();
      auto results = ingestor.Ingest(events);
      verified_s += Seconds(SteadyClock::now() - t0).count();
      verified_cpu_s += CpuSeconds() - c0;
      if (!results) {
        std::cerr << results.error().message << "\n";
        return 1;
      }
    }
    verified_rate = static_cast<double>(args.verified) / verified_s;
    verified_cpu_rate = static_cast<double>(args.verified) / verified_cpu_s;
  }
  std::uintmax_t db_bytes = 0;
  if (auto* pg = dynamic_cast<PostgresStore*>(store->get())) {
    auto bytes = pg->DatabaseBytes();
    if (!bytes) {
      std::cerr << bytes.error().message << "\n";
      return 1;
    }
    db_bytes = static_cast<std::uintmax_t>(*bytes);
    store->reset();
  } else {
    // Closing the last connection checkpoints the WAL into the database file.
    store->reset();
    db_bytes = DatabaseBytes(dir / "data");
  }

  // --- retention purge: the oldest reads, as the retention job removes them ----------
  PurgeReport purged;
  double purge_s = 0;
  double purge_cpu_s = 0;
  if (args.purge_days > 0) {
    store = open_store();
    if (!store) {
      std::cerr << "safelane-store-bench: " << store.error().message << "\n";
      return 2;
    }
    const auto t0 = SteadyClock::now();
    const double c0 = CpuSeconds();
    auto report =
        (*store)->PurgeExpired({.unmatched_reads_before = kStart + hours(24 * args.purge_days),
                                .closed_violations_before = kStart});
    purge_cpu_s = CpuSeconds() - c0;
    purge_s = Seconds(SteadyClock::now() - t0).count();
    if (!report) {
      std::cerr << "safelane-store-bench: " << report.error().message << "\n";
      return 1;
    }
    purged = std::move(*report);
    store->reset();
  }

  const double mib_per_million = static_cast<double>(db_bytes) / (1 << 20) /
                                 (static_cast<double>(total + args.verified) / 1e6);
  // One entry per query kind: its JSON key prefix, its text label and its times.
  const std::pair<const char*, const QueryTimes*> kinds[] = {{"journey", &journeys},
                                                             {"wildcard", &wildcards},
                                                             {"wildcard_week", &week_wildcards},
                                                             {"exact", &exacts},
                                                             {"hour", &hours_of_reads},
                                                             {"camera_day", &camera_days},
                                                             {"near", &nears},
                                                             {"evidence_absent", &evidence_checks}};
  static const char* kLabels[] = {"journey (7 days)", "wildcard 01A*BC", "wildcard, 7 days",
                                  "exact plate",      "one hour, all",   "one camera, a day",
                                  "cameras near",     "evidence unused?"};
  if (args.json_output) {
    nlohmann::json out = {{"reads", args.reads},
                          {"batch", args.batch},
                          {"event_ids", args.sequential_event_ids ? "sequential" : "camera"},
                          {"bulk_load", args.bulk_load},
                          {"preload", args.preload},
                          {"db_bytes", db_bytes},
                          {"db_mib_per_million_reads", mib_per_million},
                          {"verified_events", args.verified},
                          {"verified_ingest_events_per_s", verified_rate},
                          {"verified_ingest_events_per_cpu_s", verified_cpu_rate},
                          {"purge_reads_deleted", purged.reads_deleted},
                          {"purge_evidence_released", purged.evidence_released.size()},
                          {"purge_wall_s", purge_s},
                          {"purge_cpu_s", purge_cpu_s}};
    if (args.bulk_load || args.preload > 0) {
      out["bulk_load_wall_s"] = bulk.load_wall_s;
      out["bulk_load_cpu_s"] = bulk.load_cpu_s;
      out["bulk_index_wall_s"] = bulk.index_wall_s;
      out["bulk_index_cpu_s"] = bulk.index_cpu_s;
    }
    if (!args.bulk_load) {
      out["ingest_reads_per_s"] = args.reads / ingest_s;
      out["ingest_reads_per_cpu_s"] = args.reads / ingest_cpu_s;
      out["ingest_first_tenth_reads_per_s"] = reads_per_tenth / first_s;
      out["ingest_last_tenth_reads_per_s"] = reads_per_tenth / last_s;
      out["ingest_last_tenth_reads_per_cpu_s"] = reads_per_tenth / last_cpu_s;
    }
    for (const auto& [key, times] : kinds) {
      const Latency wall = times->Wall();
      const Latency cpu = times->Cpu();
      const std::string k(key);
      out[k + "_p50_ms"] = wall.p50_ms;
      out[k + "_p99_ms"] = wall.p99_ms;
      out[k + "_max_ms"] = wall.max_ms;
      out[k + "_mean_rows"] = wall.mean_rows;
      out[k + "_cpu_p50_ms"] = cpu.p50_ms;
      out[k + "_cpu_p99_ms"] = cpu.p99_ms;
    }
    std::cout << out.dump() << "\n";
  } else {
    std::cout << fmt::format("reads                 {} ({} bulk-loaded before)\n", args.reads,
                             args.preload);
    if (args.bulk_load) {
      std::cout << fmt::format(
          "bulk load             {:.0f} s wall, {:.0f} CPU-s; indexes rebuilt ({}) in {:.0f} s "
          "wall, {:.0f} CPU-s (not the ingest path)\n",
          bulk.load_wall_s, bulk.load_cpu_s, bulk.indexes_rebuilt, bulk.index_wall_s,
          bulk.index_cpu_s);
    } else {
      std::cout << fmt::format(
          "store ingest          {:.0f} reads/s wall, {:.0f} reads per CPU-second (batches of "
          "{});\n                      wall rate first tenth {:.0f}/s, last tenth {:.0f}/s; last "
          "tenth {:.0f} reads per CPU-second\n",
          args.reads / ingest_s, args.reads / ingest_cpu_s, args.batch, reads_per_tenth / first_s,
          reads_per_tenth / last_s, reads_per_tenth / last_cpu_s);
    }
    std::cout << fmt::format("database size         {:.1f} MiB ({:.1f} MiB per million reads)\n",
                             static_cast<double>(db_bytes) / (1 << 20), mib_per_million);
    for (std::size_t i = 0; i < std::size(kinds); ++i) {
      const Latency wall = kinds[i].second->Wall();
      const Latency cpu = kinds[i].second->Cpu();
      std::cout << fmt::format(
          "{:<22}wall p50 {:.3f} ms  p99 {:.3f} ms  max {:.3f} ms; CPU p50 {:.3f} p99 {:.3f} ms "
          "({:.1f} rows)\n",
          kLabels[i], wall.p50_ms, wall.p99_ms, wall.max_ms, cpu.p50_ms, cpu.p99_ms,
          wall.mean_rows);
    }
    std::cout << fmt::format(
        "verified ingest       {:.0f} events/s wall, {:.0f} per CPU-second ({} events, 2 KiB "
        "evidence each)\n",
        verified_rate, verified_cpu_rate, args.verified);
    std::cout << fmt::format(
        "retention purge       {} reads, {} objects released: {:.2f} s wall, {:.2f} CPU-s "
        "(reads captured in the first {} days)\n",
        purged.reads_deleted, purged.evidence_released.size(), purge_s, purge_cpu_s,
        args.purge_days);
  }
  if (!args.keep && args.dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}

}  // namespace
}  // namespace safelane::store

namespace {

int Main(int argc, char** argv) {
  safelane::store::BenchArgs args;
  CLI::App app{"SafeLane store benchmark: ingest rate and query latency"};
  app.add_option("--reads", args.reads, "Generated reads to ingest")
      ->check(CLI::Range(std::int64_t{1000}, std::int64_t{200'000'000}));
  app.add_option("--batch", args.batch, "Reads per ingest transaction")
      ->check(CLI::Range(1, 10'000));
  app.add_option("--queries", args.queries, "Journey and wildcard queries each")
      ->check(CLI::Range(10, 1'000'000));
  app.add_option("--cameras", args.cameras, "Cameras")->check(CLI::Range(1, 100'000));
  app.add_option("--reads-per-plate", args.reads_per_plate, "Average reads of one vehicle")
      ->check(CLI::Range(1, 100'000));
  app.add_option("--verified", args.verified, "Events through the full verified ingest path")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
  app.add_option("--dir", args.dir, "Work directory (default: a fresh temporary one)");
  app.add_flag("--keep", args.keep, "Keep the temporary directory");
  app.add_flag("--random-times", args.random_times,
               "Scatter capture times over the 30 days instead of arrival order (worst case)");
  app.add_flag("--sync-each-commit", args.sync_each_commit,
               "SQLite synchronous=FULL: sync every batch (default NORMAL, see sqlite_store.h)");
  app.add_flag("--bulk-load", args.bulk_load,
               "SQLite: load the reads with the read indexes dropped and rebuilt after "
               "(bulk_read_load.h), to time queries at 10-100 million reads; no ingest rate");
  app.add_option("--purge-days", args.purge_days,
                 "Purge the reads of the first N days at the end, timed (0: none)")
      ->check(CLI::Range(0, 30));
  std::string event_ids = "camera";
  app.add_option("--event-ids", event_ids,
                 "Event ids as cameras name them (camera) or one global counter (sequential)")
      ->check(CLI::IsMember({"camera", "sequential"}));
  app.add_option("--preload", args.preload,
                 "SQLite: bulk-load this many reads first, then time the ingest of --reads more")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{200'000'000}));
  app.add_flag("--json", args.json_output, "One JSON line");
  app.add_option("--seed", args.seed, "Random seed");
  app.add_option("--cache-mib", args.cache_mib, "SQLite page cache, MiB")
      ->check(CLI::Range(2, 4096));
  app.add_option("--wal-checkpoint-mib", args.wal_checkpoint_mib, "WAL size that checkpoints, MiB")
      ->check(CLI::Range(1, 1024));
  app.add_option("--backend", args.backend, "Store backend")
      ->check(CLI::IsMember({"sqlite", "postgres"}));
  app.add_option("--postgres", args.postgres,
                 "PostgreSQL connection string of an empty database (password in ~/.pgpass)");
  CLI11_PARSE(app, argc, argv);
  args.sequential_event_ids = event_ids == "sequential";
  if ((args.bulk_load || args.preload > 0) && args.backend != "sqlite") {
    std::cerr << "safelane-store-bench: --bulk-load and --preload load SQLite files only\n";
    return 2;
  }
  if (args.bulk_load && args.preload > 0) {
    std::cerr << "safelane-store-bench: --preload times an ingest; --bulk-load has none\n";
    return 2;
  }
  return safelane::store::Run(args);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "safelane-store-bench: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "safelane-store-bench: internal error\n");
  }
  return 3;
}
