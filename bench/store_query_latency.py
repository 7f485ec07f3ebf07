#!/usr/bin/env python3
"""Times the store's journey and wildcard SQL over an existing SQLite store database.

The statements are the ones sqlite_store.cpp issues (a search also fetches each row's
evidence references), so the figures are comparable with safelane-store-bench's; this
script only reads a database that the bench left behind (--dir), e.g. a run stopped early.

    /usr/bin/python3 bench/store_query_latency.py DIR/data/safelane.db [QUERIES]
"""
import random
import sqlite3
import sys
import time

DAY_MS = 24 * 3600 * 1000


def hours(bounded):
    """sqlite_read_hours.h's CTE hour(n): one probe of reads_hour_plate per capture hour,
    from the oldest to the newest stored read; with `bounded`, :from and :to narrow it."""
    oldest = "(SELECT min(captured_at) FROM reads) / 3600000"
    newest = "(SELECT max(captured_at) FROM reads) / 3600000"
    start = f"max(:from / 3600000, {oldest})" if bounded else oldest
    end = f"min((:to - 1) / 3600000, {newest})" if bounded else newest
    return (f"WITH RECURSIVE hour(n) AS (SELECT {start}"
            f" UNION ALL SELECT n + 1 FROM hour WHERE n < {end}) ")


JOURNEY = (
    hours(True) +
    "SELECT r.event_id, r.captured_at, r.camera_id, c.name, c.latitude, c.longitude,"
    " c.heading_deg FROM hour CROSS JOIN reads r JOIN cameras c ON c.id = r.camera_id"
    " WHERE (r.captured_at / 3600000) = hour.n AND r.plate = :plate"
    " AND r.captured_at >= :from AND r.captured_at < :to"
    " ORDER BY r.captured_at, r.seq LIMIT 10000")
# sqlite_store.cpp's kReadColumns.
READ_COLUMNS = (
    "r.seq, r.event_id, r.camera_id, r.captured_at, r.received_at, r.plate, r.confidence,"
    " r.country, r.vehicle_class, r.colour, r.hotlist_hit, r.signature, r.track_id,"
    " r.track_first_seen, r.track_last_seen, r.track_frames, r.track_frames_agreed,"
    " r.track_direction, r.lane")
WILDCARD = (hours(False) +
            "SELECT " + READ_COLUMNS + " FROM hour CROSS JOIN reads r WHERE r.plate >= ?"
            " AND r.plate < ? AND r.plate GLOB ? AND (r.captured_at / 3600000) = hour.n"
            " ORDER BY r.captured_at, r.seq LIMIT 1000")
EVIDENCE = "SELECT role, sha256, size_bytes FROM read_evidence WHERE read_seq = ? ORDER BY position"


def quantile(values, q):
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def main():
    db = sqlite3.connect(sys.argv[1])
    queries = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    db.execute("PRAGMA cache_size = -65536")  # the store's default 64 MiB
    reads = db.execute("SELECT max(seq) FROM reads").fetchone()[0]
    first, last = db.execute("SELECT min(captured_at), max(captured_at) FROM reads").fetchone()
    span = max(last - first, 8 * DAY_MS)
    rng = random.Random(1)
    journey_ms, wildcard_ms, journey_rows, wildcard_rows = [], [], 0, 0
    for _ in range(queries):
        seq = rng.randint(1, reads)
        plate = db.execute("SELECT plate FROM reads WHERE seq = ?", (seq,)).fetchone()[0]
        start = first + rng.randint(0, span - 7 * DAY_MS)
        t0 = time.perf_counter()
        journey_rows += len(db.execute(
            JOURNEY, {"plate": plate, "from": start, "to": start + 7 * DAY_MS}).fetchall())
        journey_ms.append((time.perf_counter() - t0) * 1000)
        # "01A*BC": region and series letter fixed, digits unknown, last two letters known.
        prefix = plate[:3]
        prefix_end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        t0 = time.perf_counter()
        found = db.execute(WILDCARD, (prefix, prefix_end, prefix + "*" + plate[6:])).fetchall()
        for row in found:
            db.execute(EVIDENCE, (row[0],)).fetchall()
        wildcard_ms.append((time.perf_counter() - t0) * 1000)
        wildcard_rows += len(found)
    print(f"reads {reads}; journey p50 {quantile(journey_ms, .5):.3f} ms"
          f" p99 {quantile(journey_ms, .99):.3f} ms ({journey_rows / queries:.1f} rows);"
          f" wildcard p50 {quantile(wildcard_ms, .5):.3f} ms"
          f" p99 {quantile(wildcard_ms, .99):.3f} ms ({wildcard_rows / queries:.1f} rows)")


if __name__ == "__main__":
    main()
