#!/usr/bin/env python3
"""Plate look-ups through the two SQLite plate indexes, on the same database, in one run.

Migration 7 replaced the plate-first index (plate, captured_at) with one keyed by capture
hour first (sqlite_read_hours.h). This script times the same searches through each, on a
store that safelane-store-bench kept (--keep --dir DIR), creating whichever of the two
indexes is missing (minutes at 100 million reads), and forcing each with INDEXED BY.
Rounds alternate which index goes first and use a different random plate for each, so
neither reads pages the other just read; each round also fetches an hour of reads (1,000
rows, the time index), which competes for memory as a server's other searches do.

    /usr/bin/python3 bench/store_plate_index_ab.py DIR/data/safelane.db [ROUNDS]

Wall and CPU milliseconds (CPU: this process, so it includes the kernel copying pages
the page cache holds, but not waiting for the disk), p50 / p99 / max.
"""
import random
import sqlite3
import sys
import time

from store_query_latency import DAY_MS, EVIDENCE, READ_COLUMNS as COLUMNS, hours

HOUR_MS = 3600 * 1000
INDEXES = {
    "plate": "CREATE INDEX IF NOT EXISTS reads_plate_time ON reads (plate, captured_at)",
    "hour": "CREATE INDEX IF NOT EXISTS reads_hour_plate"
            " ON reads (captured_at / 3600000, plate, captured_at)",
}


def wildcard_sql(index, bounded):
    window = " AND r.captured_at >= :from AND r.captured_at < :to" if bounded else ""
    match = "r.plate >= :lo AND r.plate < :hi AND r.plate GLOB :glob" + window
    order = " ORDER BY r.captured_at, r.seq LIMIT 1000"
    if index == "plate":
        return f"SELECT {COLUMNS} FROM reads r INDEXED BY reads_plate_time WHERE {match}{order}"
    return (hours(bounded) + f"SELECT {COLUMNS} FROM hour CROSS JOIN reads r INDEXED BY"
            f" reads_hour_plate WHERE {match} AND (r.captured_at / 3600000) = hour.n{order}")


def journey_sql(index):
    columns = ("SELECT r.event_id, r.captured_at, r.camera_id, c.name, c.latitude,"
               " c.longitude, c.heading_deg")
    match = ("r.plate = :plate AND r.captured_at >= :from AND r.captured_at < :to"
             " ORDER BY r.captured_at, r.seq LIMIT 10000")
    if index == "plate":
        return (f"{columns} FROM reads r INDEXED BY reads_plate_time"
                f" JOIN cameras c ON c.id = r.camera_id WHERE {match}")
    return (hours(True) + f"{columns} FROM hour CROSS JOIN reads r INDEXED BY reads_hour_plate"
            " JOIN cameras c ON c.id = r.camera_id WHERE (r.captured_at / 3600000) = hour.n"
            f" AND {match}")


def timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    rows = fn()
    return (time.perf_counter() - w0) * 1000, (time.process_time() - c0) * 1000, rows


def summary(samples):
    def q(values, p):
        ordered = sorted(values)
        return ordered[int(p * (len(ordered) - 1))]
    wall = [s[0] for s in samples]
    cpu = [s[1] for s in samples]
    rows = sum(s[2] for s in samples) / len(samples)
    return (f"wall {q(wall, .5):7.2f} / {q(wall, .99):7.2f} / {max(wall):7.2f} ms;"
            f" CPU {q(cpu, .5):7.2f} / {q(cpu, .99):7.2f} ms ({rows:.1f} rows)")


def main():
    db = sqlite3.connect(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    db.execute("PRAGMA cache_size = -2097152")  # the bench's --cache-mib 2048
    for name, sql in INDEXES.items():
        t0 = time.perf_counter()
        db.execute(sql)
        db.commit()
        print(f"index {name}: ready after {time.perf_counter() - t0:.0f} s", flush=True)
    reads = db.execute("SELECT max(seq) FROM reads").fetchone()[0]
    first, last = db.execute("SELECT min(captured_at), max(captured_at) FROM reads").fetchone()
    rng = random.Random(1)
    kinds = ("wildcard", "wildcard, 7 days", "journey, 7 days")
    times = {(k, i): [] for k in kinds for i in INDEXES}
    for n in range(rounds):
        order = list(INDEXES) if n % 2 == 0 else list(reversed(INDEXES))
        for index in order:
            seq = rng.randint(1, reads)
            plate = db.execute("SELECT plate FROM reads WHERE seq = ?", (seq,)).fetchone()[0]
            start = first + rng.randint(0, max(0, last - first - 7 * DAY_MS))
            window = {"from": start, "to": start + 7 * DAY_MS}
            # "01A*BC": region and series letter fixed, digits unknown, last two known.
            prefix = plate[:3]
            pattern = {"lo": prefix, "hi": prefix[:-1] + chr(ord(prefix[-1]) + 1),
                       "glob": prefix + "*" + plate[6:]}

            def search(bounded):
                found = db.execute(wildcard_sql(index, bounded),
                                   {**pattern, **(window if bounded else {})}).fetchall()
                for row in found:
                    db.execute(EVIDENCE, (row[0],)).fetchall()
                return len(found)
            times[("wildcard", index)].append(timed(lambda: search(False)))
            times[("wildcard, 7 days", index)].append(timed(lambda: search(True)))
            times[("journey, 7 days", index)].append(timed(lambda: len(db.execute(
                journey_sql(index), {"plate": plate, **window}).fetchall())))
        hour = first + rng.randint(0, last - first - HOUR_MS)
        db.execute(f"SELECT {COLUMNS} FROM reads r WHERE r.captured_at >= ? AND"
                   " r.captured_at < ? ORDER BY r.captured_at, r.seq LIMIT 1000",
                   (hour, hour + HOUR_MS)).fetchall()
    print(f"{reads} reads, {rounds} rounds; p50 / p99 / max")
    for kind in kinds:
        for index in INDEXES:
            print(f"{kind:17} {index:6} {summary(times[(kind, index)])}")


if __name__ == "__main__":
    main()
