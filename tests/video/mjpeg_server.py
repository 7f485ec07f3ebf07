#!/usr/bin/python3
"""An HTTP MJPEG camera on loopback for the video tests (multipart/x-mixed-replace).

Serves the JPEG files of a directory, in name order and looping, at --fps, to every client
at http://127.0.0.1:PORT/video.mjpg (what cheap IP cameras offer).

  mjpeg_server.py --port 0 --frames DIR [--fps 25]

Prints "READY <port>" on stdout once it accepts connections.
"""
import argparse
import http.server
import pathlib
import sys
import time

BOUNDARY = "safelaneframe"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--frames", required=True, help="directory of .jpg files")
    parser.add_argument("--fps", type=float, default=25.0)
    args = parser.parse_args()
    frames = [p.read_bytes() for p in sorted(pathlib.Path(args.frames).glob("*.jpg"))]
    if not frames:
        print(f"no .jpg files in {args.frames}", file=sys.stderr)
        return 2

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path != "/video.mjpg":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", f"multipart/x-mixed-replace;boundary={BOUNDARY}")
            self.end_headers()
            start = time.monotonic()
            index = 0
            try:
                while True:
                    jpeg = frames[index % len(frames)]
                    self.wfile.write(
                        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                        f"Content-Length: {len(jpeg)}\r\n\r\n".encode()
                    )
                    self.wfile.write(jpeg)
                    self.wfile.write(b"\r\n")
                    self.wfile.flush()
                    index += 1
                    delay = start + index / args.fps - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format, *args) -> None:  # noqa: A002 (quiet tests)
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
