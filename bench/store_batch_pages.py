#!/usr/bin/python3
"""Which pages one ingest batch changes, per B-tree, in a SQLite store.

An ingest batch costs about one 4 KiB WAL frame (and later one checkpoint copy) per
distinct page it changes, so this counts them: it checkpoints the WAL empty, inserts one
batch with the statements SqliteStore::InsertReads uses (a read row and one evidence
reference each), commits, reads the page number of every frame in the WAL and names the
B-tree each page belongs to (SQLite's dbstat table). Repeated for --batches batches.

It writes into the store it is given, so give it a throw-away one:

  safelane-store-bench --reads 1000000 --queries 10 --verified 0 --purge-days 0 \\
      --keep --dir /tmp/pages
  bench/store_batch_pages.py /tmp/pages/data/safelane.db --batch 1000

New reads look like the bench's: a random camera of the store's, a plate already stored,
capture times after the newest stored, event ids as cameras name them, a random address.
"""

import argparse
import collections
import os
import random
import sqlite3
import struct
import sys

INSERT_READ = (
    "INSERT INTO reads (event_id, camera_id, captured_at, received_at, plate, confidence,"
    " country, vehicle_class, colour, hotlist_hit, signature)"
    " VALUES (?, ?, ?, ?, ?, 0.9, 'uz', 'car', 'white', 0, ?)"
    " ON CONFLICT (event_id) DO NOTHING")
INSERT_REFERENCE = (
    "INSERT INTO read_evidence (read_seq, position, role, sha256, size_bytes)"
    " VALUES (?, 0, 'overview', ?, 180000)")


def wal_pages(wal_path):
    """Page numbers of the frames in a WAL file, in order."""
    with open(wal_path, "rb") as f:
        data = f.read()
    if len(data) < 32:
        return []
    page_size = struct.unpack(">I", data[8:12])[0]
    pages = []
    offset = 32
    while offset + 24 + page_size <= len(data):
        pages.append(struct.unpack(">I", data[offset:offset + 4])[0])
        offset += 24 + page_size
    return pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", help="safelane.db of a throw-away store")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not os.path.exists(args.db):
        sys.exit(f"no such database: {args.db}")
    rng = random.Random(args.seed)
    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("PRAGMA cache_size = -65536")  # the store's 64 MiB
    cameras = [row[0] for row in db.execute("SELECT id FROM cameras")]
    max_seq, newest = db.execute("SELECT max(seq), max(captured_at) FROM reads").fetchone()
    plates = [row[0] for row in db.execute(
        "SELECT plate FROM reads WHERE seq IN (%s)" %
        ",".join(str(rng.randint(1, max_seq)) for _ in range(20000)))]
    per_batch = []
    at = newest
    for b in range(args.batches):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("BEGIN IMMEDIATE")
        for i in range(args.batch):
            camera = rng.choice(cameras)
            at += rng.randint(0, 5)
            event_id = f"{camera}-{at}-t{b * args.batch + i}"
            cur = db.execute(INSERT_READ, (event_id, camera, at, at, rng.choice(plates),
                                           os.urandom(64)))
            db.execute(INSERT_REFERENCE, (cur.lastrowid, os.urandom(32)))
        db.execute("COMMIT")
        per_batch.append(set(wal_pages(args.db + "-wal")))
    owner = dict((pageno, name) for name, pageno in db.execute("SELECT name, pageno FROM dbstat"))
    leaves = collections.Counter(
        name for (name, ) in db.execute("SELECT name FROM dbstat WHERE pagetype = 'leaf'"))
    counts = collections.Counter()
    for pages in per_batch:
        for p in pages:
            counts[owner.get(p, "(not a B-tree page)")] += 1
    total = sum(counts.values()) / len(per_batch)
    print(f"{max_seq} reads stored; {args.batches} batches of {args.batch}: "
          f"{total:.0f} distinct pages changed per batch ({total / args.batch:.2f} per read)")
    print(f"{'B-tree':<28}{'pages per batch':>16}{'leaf pages':>12}")
    for name, n in counts.most_common():
        print(f"{name:<28}{n / len(per_batch):>16.0f}{leaves.get(name, 0):>12}")


if __name__ == "__main__":
    main()
