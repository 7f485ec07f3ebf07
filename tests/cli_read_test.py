"""`safelane read` end to end: real photos are read, bad files give per-image errors
and a non-zero exit, and the good images around them are still read.

Run by ctest: cli_read_test.py SAFELANE_BINARY DATA_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BINARY, DATA = sys.argv[1], sys.argv[2]
SCENE = os.path.join(DATA, "scenes", "openimages-plates", "test", "images")


def real_scenes(count):
    names = sorted(n for n in os.listdir(SCENE) if n.endswith(".jpg"))
    return [os.path.join(SCENE, n) for n in names[:count]]


def run(*args):
    return subprocess.run([BINARY, "read", *args], capture_output=True, text=True, timeout=300)


class ReadCommand(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        with open(real_scenes(1)[0], "rb") as f:
            jpeg = f.read()
        cls.bad = {
            "empty": os.path.join(d, "empty.jpg"),
            "truncated": os.path.join(d, "truncated.jpg"),
            "text": os.path.join(d, "notes.jpg"),
            "huge": os.path.join(d, "huge.png"),
            "missing": os.path.join(d, "missing.jpg"),
        }
        open(cls.bad["empty"], "wb").close()
        with open(cls.bad["truncated"], "wb") as f:
            f.write(jpeg[: len(jpeg) // 2])
        with open(cls.bad["text"], "w") as f:
            f.write("not an image at all\n")
        with open(cls.bad["huge"], "wb") as f:  # IHDR claiming 100000 x 100000
            f.write(bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + b"IHDR"
                    + (100000).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0, 0, 0, 0, 0]))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_json_lines_for_real_photos(self):
        images = real_scenes(5)
        r = run("--json", *images)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual([l["image"] for l in lines], images)
        plates = [p for l in lines for p in l["plates"]]
        self.assertGreater(len(plates), 0, "no plate in five real photos of plates")
        for l in lines:
            self.assertGreater(l["ms"], 0)
            self.assertEqual(set(l["timing"]), {"decode_ms", "detect_ms", "read_ms"})
        for p in plates:
            self.assertEqual(set(p) >= {"text", "display", "confidence", "box", "corners", "country",
                                        "format", "candidates"}, True)
            self.assertEqual(len(p["box"]), 4)
            self.assertEqual(len(p["corners"]), 4)
            self.assertTrue(0.0 <= p["confidence"] <= 1.0)
            self.assertLessEqual(len(p["candidates"]), 5)

    def test_bad_files_fail_alone(self):
        good = real_scenes(2)
        order = [good[0], *self.bad.values(), good[1]]
        r = run("--json", *order)
        self.assertEqual(r.returncode, 1)
        lines = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual([l["image"] for l in lines], order, "every image gets exactly one line")
        self.assertIn("plates", lines[0])
        self.assertIn("plates", lines[-1])
        errors = {l["image"]: l["error"] for l in lines[1:-1]}
        self.assertEqual(errors[self.bad["empty"]]["code"], "bad_image")
        self.assertIn("truncated", errors[self.bad["truncated"]]["message"])
        self.assertIn("not a supported image", errors[self.bad["text"]]["message"])
        self.assertIn("100000x100000", errors[self.bad["huge"]]["message"])
        self.assertEqual(errors[self.bad["missing"]]["code"], "io")
        self.assertIn("5 of 7 images failed", r.stderr)

    def test_table_output_and_options(self):
        r = run("--country", "uz", "--top", "2", *real_scenes(2))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("IMAGE"))
        self.assertEqual(run("--country", "xx", real_scenes(1)[0]).returncode, 2)
        self.assertNotEqual(run("--top", "0", real_scenes(1)[0]).returncode, 0)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
