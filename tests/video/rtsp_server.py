#!/usr/bin/python3
"""A real RTSP server on loopback for the video tests (Debian's gst-rtsp-server).

Serves H.264 MP4 files at rtsp://127.0.0.1:PORT/NAME, over TCP or UDP (the client chooses),
at real speed; every client gets its own pipeline from the start of the file.

  rtsp_server.py --port 0 --media cam1=/path/a.mp4 [--media cam2=/path/b.mp4]
      [--playing-file PATH]

Prints "READY <port>" on stdout once it accepts connections. With --playing-file it creates
PATH when a client's PLAY request is answered, so a test can time a drop from the moment
its client started receiving (the file plays from its start for each client). Tests drop the stream by
killing the process and restart it on the same port to prove reconnection.
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--media", action="append", required=True, help="NAME=FILE.mp4")
    parser.add_argument("--playing-file", help="created when a client starts playing")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for item in args.media:
        name, _, path = item.partition("=")
        if not name or not path:
            print(f"bad --media {item!r}: want NAME=FILE", file=sys.stderr)
            return 2
        factory = GstRtspServer.RTSPMediaFactory()
        location = path.replace("\\", "\\\\").replace('"', '\\"')
        factory.set_launch(
            f'( filesrc location="{location}" ! qtdemux ! h264parse config-interval=-1 '
            "! rtph264pay name=pay0 pt=96 config-interval=1 )"
        )
        factory.set_shared(False)
        mounts.add_factory("/" + name, factory)

    if args.playing_file:
        def on_play(_client, _context):
            with open(args.playing_file, "w"):
                pass

        server.connect("client-connected",
                       lambda _server, client: client.connect("play-request", on_play))

    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print(f"READY {server.get_bound_port()}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
