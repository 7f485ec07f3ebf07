// safelane-store-bench: sustained batched ingest into the SQLite store, and journey and
// wildcard query latency over N generated reads. Plain program, not Google Benchmark: it
// measures one long run, not per-iteration micro-costs (see docs/decisions.md).
//
//   safelane-store-bench --reads 1000000 [--batch 1000] [--queries 1000] [--json]
//                        [--backend sqlite|postgres --postgres CONNINFO]
//
// Two ingest paths are timed:
//   store:    Store::InsertReads, the database part (each read with one evidence ref);
//             capture times advance as a live feed's do, or scatter (--random-times)
//   verified: Ingestor end to end on a smaller sample: manifest parse, Ed25519 check,
//             SHA-256 of a 2 KiB evidence object, vault encryption, database
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
  Result<std::unique_ptr<Store>> store = Error(ErrorCode::kBadConfig, "no backend");
  if (args.backend == "postgres") {
    auto pg = PostgresStore::Open({.conninfo = args.postgres}, clock);
    store = pg ? Result<std::unique_ptr<Store>>(std::move(*pg))
               : Result<std::unique_ptr<Store>>(pg.error());
  } else {
    auto lite = SqliteStore::Open(dir / "data", clock,
                                  {.cache_mib = args.cache_mib,
                                   .wal_checkpoint_mib = args.wal_checkpoint_mib,
                                   .sync_each_commit = args.sync_each_commit});
    store = lite ? Result<std::unique_ptr<Store>>(std::move(*lite))
                 : Result<std::unique_ptr<Store>>(lite.error());
  }
  if (!store) {
    std::cerr << "safelane-store-bench: " << store.error().message << "\n";
    return 2;
  }

  // Cameras on a grid around Tashkent, each with a real key.
  std::vector<security::SigningKey> keys;
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
  }
  const std::int64_t plate_count = std::max<std::int64_t>(1, args.reads / args.reads_per_plate);
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
  std::vector<SignedRead> batch;
  std::vector<double> batch_seconds;
  const auto ingest_start = SteadyClock::now();
  double ingest_cpu_s = 0;  // inside InsertReads only, not generating the reads
  for (std::int64_t next = 0; next < args.reads;) {
    batch.clear();
    for (int i = 0; i < args.batch && next < args.reads; ++i, ++next) {
      ReadEvent e;
      e.event_id = fmt::format("ev-{:010}", next);
      e.camera_id = fmt::format("cam-{:04}", camera_pick(rng));
      // Cameras report as they see: capture times advance through the 30 days, with up to
      // a minute of jitter (late uploads). --random-times scatters them instead.
      e.captured_at = args.random_times
                          ? kStart + milliseconds(time_pick(rng))
                          : kStart + milliseconds(next * (kSpanMs / args.reads) + jitter_pick(rng));
      e.plate = plates[plate_pick(rng)];
      e.confidence = 0.9;
      e.country = "uz";
      e.vehicle_class = kClasses[next % 6];
      e.colour = kColours[(next / 7) % 6];
      const std::string id_bytes = e.event_id;
      e.evidence.push_back({"overview", security::Sha256Hex(security::AsBytes(id_bytes)), 180'000});
      batch.push_back({std::move(e), signature});
    }
    const auto t0 = SteadyClock::now();
    const double c0 = CpuSeconds();
    auto outcomes = (*store)->InsertReads(batch, clock.Now());
    ingest_cpu_s += CpuSeconds() - c0;
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
  for (std::size_t i = 0; i < tenth; ++i) {
    first_s += batch_seconds[i];
    last_s += batch_seconds[batch_seconds.size() - 1 - i];
  }
  const double reads_per_tenth = static_cast<double>(args.reads) / batch_seconds.size() * tenth;

  // --- queries ----------------------------------------------------------------------
  std::vector<double> journey_cpu_ms;
  std::vector<double> wildcard_cpu_ms;
  std::vector<double> journey_ms;
  std::vector<double> wildcard_ms;
  double journey_rows = 0;
  double wildcard_rows = 0;
  std::uniform_int_distribution<std::int64_t> window_pick(0, kSpanMs - 7LL * 24 * 3600 * 1000);
  for (int q = 0; q < args.queries; ++q) {
    const std::string& plate = plates[plate_pick(rng)];
    const TimePoint from = kStart + milliseconds(window_pick(rng));
    auto t0 = SteadyClock::now();
    double c0 = CpuSeconds();
    auto stops = (*store)->Journey(plate, from, from + hours(24 * 7), kMaxQueryLimit);
    journey_cpu_ms.push_back((CpuSeconds() - c0) * 1000);
    journey_ms.push_back(
        std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
    if (!stops) {
      std::cerr << stops.error().message << "\n";
      return 1;
    }
    journey_rows += static_cast<double>(stops->size());

    // "01A*BC": region and series letter fixed, digits unknown, last two letters known.
    const auto pattern = PlatePattern::Parse(plate.substr(0, 3) + "*" + plate.substr(6));
    t0 = SteadyClock::now();
    c0 = CpuSeconds();
    auto found = (*store)->SearchReads({.plate = *pattern});
    wildcard_cpu_ms.push_back((CpuSeconds() - c0) * 1000);
    wildcard_ms.push_back(
        std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
    if (!found) {
      std::cerr << found.error().message << "\n";
      return 1;
    }
    wildcard_rows += static_cast<double>(found->size());
  }
  const Latency journey = Summarise(journey_ms, journey_rows);
  const Latency wildcard = Summarise(wildcard_ms, wildcard_rows);
  const Latency journey_cpu = Summarise(journey_cpu_ms, journey_rows);
  const Latency wildcard_cpu = Summarise(wildcard_cpu_ms, wildcard_rows);

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

  const double mib_per_million = static_cast<double>(db_bytes) / (1 << 20) /
                                 (static_cast<double>(args.reads + args.verified) / 1e6);
  if (args.json_output) {
    const nlohmann::json out = {{"reads", args.reads},
                                {"batch", args.batch},
                                {"ingest_reads_per_s", args.reads / ingest_s},
                                {"ingest_reads_per_cpu_s", args.reads / ingest_cpu_s},
                                {"ingest_first_tenth_reads_per_s", reads_per_tenth / first_s},
                                {"ingest_last_tenth_reads_per_s", reads_per_tenth / last_s},
                                {"db_bytes", db_bytes},
                                {"db_mib_per_million_reads", mib_per_million},
                                {"journey_p50_ms", journey.p50_ms},
                                {"journey_p99_ms", journey.p99_ms},
                                {"journey_mean_rows", journey.mean_rows},
                                {"journey_cpu_p50_ms", journey_cpu.p50_ms},
                                {"journey_cpu_p99_ms", journey_cpu.p99_ms},
                                {"wildcard_p50_ms", wildcard.p50_ms},
                                {"wildcard_p99_ms", wildcard.p99_ms},
                                {"wildcard_mean_rows", wildcard.mean_rows},
                                {"wildcard_cpu_p50_ms", wildcard_cpu.p50_ms},
                                {"wildcard_cpu_p99_ms", wildcard_cpu.p99_ms},
                                {"verified_events", args.verified},
                                {"verified_ingest_events_per_s", verified_rate},
                                {"verified_ingest_events_per_cpu_s", verified_cpu_rate}};
    std::cout << out.dump() << "\n";
  } else {
    std::cout << fmt::format(
        "reads                 {}\n"
        "store ingest          {:.0f} reads/s wall, {:.0f} reads per CPU-second (batches of {});\n"
        "                      wall rate first tenth {:.0f}/s, last tenth {:.0f}/s\n"
        "database size         {:.1f} MiB ({:.1f} MiB per million reads)\n"
        "journey (7 days)      wall p50 {:.3f} ms  p99 {:.3f} ms  max {:.3f} ms; CPU p50 {:.3f} "
        "p99 {:.3f} ms ({:.1f} rows)\n"
        "wildcard 01A*BC       wall p50 {:.3f} ms  p99 {:.3f} ms  max {:.3f} ms; CPU p50 {:.3f} "
        "p99 {:.3f} ms ({:.1f} rows)\n"
        "verified ingest       {:.0f} events/s wall, {:.0f} per CPU-second ({} events, 2 KiB "
        "evidence each)\n",
        args.reads, args.reads / ingest_s, args.reads / ingest_cpu_s, args.batch,
        reads_per_tenth / first_s, reads_per_tenth / last_s,
        static_cast<double>(db_bytes) / (1 << 20), mib_per_million, journey.p50_ms, journey.p99_ms,
        journey.max_ms, journey_cpu.p50_ms, journey_cpu.p99_ms, journey.mean_rows, wildcard.p50_ms,
        wildcard.p99_ms, wildcard.max_ms, wildcard_cpu.p50_ms, wildcard_cpu.p99_ms,
        wildcard.mean_rows, verified_rate, verified_cpu_rate, args.verified);
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
