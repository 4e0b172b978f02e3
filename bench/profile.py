#!/usr/bin/env python3
"""Where one logged-in page spends its CPU: the benchmark's small SQLite dataset and server
(bench.py), one registered reader's cookie, wrk with 32 connections, and `perf record -g` on the
server meanwhile. Prints the page's req/s, server CPU per request and peak RSS, then perf's top
symbols by self time.

    python3 bench/profile.py [PATH] [--seconds 10] [--as-admin] [--call-graph dwarf,16384]

Uses the runtime folder of scripts/build-release.sh (--dist, default $CARGO_TARGET_DIR/dist,
else target/dist) and needs wrk and perf (Debian: wrk, linux-perf).
"""

import argparse
import os
import re
import shutil
import subprocess
import tempfile

import bench


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default="/posts/demo-post-50")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--as-admin", action="store_true",
                        help="log in the admin (moderation buttons on every comment)")
    parser.add_argument("--call-graph", help="perf's --call-graph, e.g. dwarf,16384: a release "
                        "build has no frame pointers")
    parser.add_argument("--keep", help="keep perf's data in this file, for `perf report -i`")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dist", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "dist"))
    opts = parser.parse_args()
    args = argparse.Namespace(binary=os.path.join(opts.dist, "quire"),
                              site=os.path.join(opts.dist, "site"),
                              duration=opts.seconds, connections=32)

    tmp = tempfile.mkdtemp(prefix="quire-profile-")
    data = opts.keep or os.path.join(tmp, "perf.data")
    db_url, drop = bench.new_database("sqlite", tmp)
    try:
        bench.seed(args, db_url, "small")
        server = bench.Server(args, db_url)
        try:
            server.wait_ready("/readyz")
            email = bench.ADMIN_EMAIL if opts.as_admin else None
            headers = {"Cookie": bench.register(server, "profile", email)}
            warm_up = argparse.Namespace(**{**vars(args), "duration": 2})
            bench.wrk(warm_up, f"http://127.0.0.1:{server.port}{opts.path}", headers=headers)
            call_graph = ["--call-graph", opts.call_graph] if opts.call_graph else []
            perf = subprocess.Popen(
                ["perf", "record", "-F", "999", "-g", *call_graph, "-o", data,
                 "-p", str(server.proc.pid), "--", "sleep", str(opts.seconds)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result = bench.measure(args, server, opts.path, headers=headers)
            perf.wait()
        finally:
            server.stop()
        print(f"{opts.path}: {result['rps']:.0f} req/s, p99 {result['p99']:.1f} ms, "
              f"{result['cpu_us']:.0f} µs of server CPU per request, "
              f"peak RSS {result['rss']:.1f} MiB (perf recording meanwhile)")
        report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort",
                                 "symbol", "--stdio", "-g", "none"],
                                capture_output=True, text=True, check=True).stdout
        rows = [line.rstrip(" -\t")[:150] for line in report.splitlines()
                if re.match(r"^\s+[0-9.]+%", line)]
        print("\n".join(rows[:opts.top]))
    finally:
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
