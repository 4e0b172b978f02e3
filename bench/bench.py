#!/usr/bin/env python3
"""Quire's benchmark: throughput, latency, CPU and memory of the release server on SQLite and
PostgreSQL, measured against the same server's trivial endpoint (/healthz) in the same run.

Run it through bench/run.sh, which builds the release server and installs wrk. Prints one
table per backend and dataset, then the budgets as PASS/FAIL. Exit status 0 even when a budget
fails (this is a measurement, not a test); 1 when the benchmark itself could not run.
"""

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

PG_ADMIN = os.environ.get("QUIRE_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATASETS = {
    # name: (posts, comments on the newest post, readers)
    "small": (50, 20, 1000),
    "large": (5000, 500, 1000),
}
CLK_TCK = os.sysconf("SC_CLK_TCK")
WRITERS = 16


def progress(message):
    """What runs now, on the terminal only: stdout is the results file."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The address Quire makes admin (ADMIN_EMAIL); every other account registered is a reader.
ADMIN_EMAIL = "admin@example.invalid"

class Measured:
    """A server under test, measured from /proc over its processes (`pids()`): CPU time, and
    peak RSS since the last reset."""

    def cpu_seconds(self):
        total = 0
        for pid in self.pids():
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / CLK_TCK

    def reset_peak_rss(self):
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                pass

    def peak_rss_mib(self):
        total = 0
        for pid in self.pids():
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        return total / 1024


class Server(Measured):
    """A release `quire` on a random port, its log in a file."""

    def __init__(self, args, db_url, extra_env=None):
        self.port = free_port()
        self.log_path = tempfile.mktemp(prefix="quire-bench-", suffix=".log")
        env = {
            "PATH": os.environ["PATH"],
            "DATABASE_URL": db_url,
            "LEPTOS_SITE_ROOT": args.site,
            "LEPTOS_SITE_ADDR": f"127.0.0.1:{self.port}",
            "RUST_LOG": "warn",
            "QUIRE_REGISTRATIONS_PER_HOUR": "100000",
            # The write benchmark measures the server, not the per-reader comment limit.
            "QUIRE_COMMENTS_PER_HOUR": "1000000",
            "QUIRE_DB_MAX_CONNECTIONS": "10",
            # The demo blog has no admin; without this the first account to register would
            # be one, and the "logged in" rows would measure the admin's pages.
            "ADMIN_EMAIL": ADMIN_EMAIL,
        }
        env.update(extra_env or {})
        self.started = time.perf_counter()
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([args.binary], env=env, stdout=self.log, stderr=self.log,
                                     cwd=tempfile.gettempdir())

    def wait_ready(self, path="/", timeout=30):
        """Polls `path` every millisecond; returns seconds from spawn to the first 200."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"quire exited: {open(self.log_path).read()}")
            try:
                status, _, _ = request(self.port, "GET", path)
                if status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.001)
        raise SystemExit(f"quire did not answer {path} within {timeout} s")

    def pids(self):
        return [self.proc.pid]

    def log_lines(self):
        self.log.flush()
        return open(self.log_path).read().splitlines()

    def stop(self):
        stop_process(self.proc, self.log, self.log_path)


class FlaskBlog(Measured):
    """The Flask course blog (bench/flask_blog.py) under gunicorn with 2 sync workers, on the
    backend Quire's rows are on (SQLite, or PostgreSQL through psycopg2 as on Render), seeded
    like Quire's dataset: the baseline the logged-in rows are held to."""

    def __init__(self, args, dataset, tmp, backend):
        posts, comments, _ = DATASETS[dataset]
        here = os.path.dirname(os.path.abspath(__file__))
        if backend == "sqlite":
            db = os.path.join(tmp, "flask-blog.db")
            url = f"sqlite:///{db}"
            self.drop = lambda: None
        else:
            quire_url, self.drop = new_database(backend, tmp)
            # SQLAlchemy wants the scheme spelled `postgresql` (the course's Render trap), and
            # psycopg2 named: SQLAlchemy 2.1's default is psycopg 3, which the course lacks.
            db = url = "postgresql+psycopg2://" + quire_url.split("://", 1)[1]
        progress(f"Flask blog on {backend}: seeding {posts} posts, {comments} comments")
        subprocess.run([args.flask_python, "flask_blog.py", "seed", db, "--posts", str(posts),
                        "--comments", str(comments), "--body-bytes", "3000"],
                       cwd=here, check=True)
        self.newest = posts
        self.port = free_port()
        gunicorn = os.path.join(os.path.dirname(args.flask_python), "gunicorn")
        self.log_path = tempfile.mktemp(prefix="flask-bench-", suffix=".log")
        self.log = open(self.log_path, "w")
        env = {"PATH": os.environ["PATH"], "FLASK_BLOG_DB": url}
        self.proc = subprocess.Popen(
            [gunicorn, "--workers", "2", "--worker-class", "sync", "--bind",
             f"127.0.0.1:{self.port}", "--log-level", "warning", "flask_blog:app"],
            cwd=here, env=env, stdout=self.log, stderr=self.log)
        self.wait_ready()

    def wait_ready(self, timeout=30):
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: {open(self.log_path).read()}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"the Flask blog did not answer within {timeout} s")

    def pids(self):
        """gunicorn's master and its workers."""
        try:
            children = open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read()
        except OSError:
            children = ""
        return [self.proc.pid] + [int(p) for p in children.split()]

    def login(self):
        """Logs the seeded reader in; the session cookie."""
        body = urllib.parse.urlencode({"email": "reader@example.com",
                                       "password": "reader passphrase"})
        status, headers, _ = request(self.port, "POST", "/login", body,
                                     {"Content-Type": "application/x-www-form-urlencoded"})
        cookie = next((v.split(";")[0] for k, v in headers if k.lower() == "set-cookie"), None)
        if status != 302 or not cookie:
            raise SystemExit(f"could not log in to the Flask blog: {status}")
        return cookie

    def stop(self):
        stop_process(self.proc, self.log, self.log_path)
        self.drop()


def flask_rows(args, dataset, backend):
    """The Flask blog's rows for `dataset` on `backend`: what Quire's rows are compared with."""
    tmp = tempfile.mkdtemp(prefix="flask-bench-")
    blog = FlaskBlog(args, dataset, tmp, backend)
    try:
        post = f"/post/{blog.newest}"
        rows = {"Flask home /": measure(args, blog, "/"), "Flask post": measure(args, blog, post)}
        reader = {"Cookie": blog.login()}
        rows["Flask home, logged in"] = measure(args, blog, "/", headers=reader)
        rows["Flask post, logged in"] = measure(args, blog, post, headers=reader)
        return rows
    finally:
        blog.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def stop_process(proc, log, log_path):
    """SIGTERM, then SIGKILL after 10 s; the log file goes."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    os.unlink(log_path)


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


BACKEND_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def new_database(backend, tmp):
    if backend == "sqlite":
        return f"sqlite://{tmp}/bench.db", lambda: None
    name = f"quire_bench_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    psql = ["psql", "-q", "-v", "ON_ERROR_STOP=1", PG_ADMIN, "-c"]
    subprocess.run(psql + [f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    base = PG_ADMIN.rsplit("/", 1)[0]
    drop = lambda: subprocess.run(psql + [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                                  capture_output=True)
    return f"{base}/{name}", drop


def seed(args, db_url, dataset):
    posts, comments, users = DATASETS[dataset]
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": db_url, "RUST_LOG": "warn"}
    started = time.perf_counter()
    subprocess.run([args.binary, "demo", "--posts", str(posts), "--body-bytes", "3000",
                    "--users", str(users), "--comments", str(comments)],
                   env=env, check=True, cwd=tempfile.gettempdir())
    return time.perf_counter() - started


def wrk(args, url, script=None, connections=None, threads=2, headers=None):
    # Every request asks for compression, as browsers do.
    cmd = ["wrk", f"-t{threads}", f"-c{connections or args.connections}", f"-d{args.duration}s",
           "--latency", "--timeout", "5s", "-H", "Accept-Encoding: br, gzip"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    def pick(pattern, default="0"):
        m = re.search(pattern, out)
        return m.group(1) if m else default
    def ms(text):
        value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
    requests = int(pick(r"(\d+) requests in"))
    errors = int(pick(r"Non-2xx or 3xx responses: (\d+)"))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {
        "rps": float(pick(r"Requests/sec:\s+([\d.]+)")),
        "p50": ms(pick(r"\s50%\s+([\d.]+\w+)", "0ms")),
        "p99": ms(pick(r"\s99%\s+([\d.]+\w+)", "0ms")),
        "requests": requests,
        "errors": errors,
    }


def measure(args, server, path, script=None, connections=None, threads=2, headers=None):
    progress(f"wrk {path}{' (logged in)' if headers else ''} for {args.duration} s")
    server.reset_peak_rss()
    cpu = server.cpu_seconds()
    result = wrk(args, f"http://127.0.0.1:{server.port}{path}", script, connections, threads,
                 headers)
    cpu = server.cpu_seconds() - cpu
    result["cpu_us"] = cpu * 1e6 / max(result["requests"], 1)
    result["rss"] = server.peak_rss_mib()
    return result


def linked_files(html):
    """The same-site files a browser fetches as it loads the page: stylesheets, icons,
    preloads, scripts and images (not feeds or other pages), and the WASM a client script
    loads (named after it)."""
    files = set()
    for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", html):
        rel = re.search(r'\brel="([^"]*)"', tag)
        if tag.startswith("<link") and not (rel and set(rel.group(1).split())
                                             & {"stylesheet", "icon", "modulepreload", "preload"}):
            continue
        url = re.search(r'\b(?:href|src)="(/[^/"][^"]*)"', tag)
        if url:
            files.add(url.group(1))
    for js in [f for f in files if f.endswith(".js")]:
        files.add(js[:-3] + ".wasm")
    return files


def page_weight(port, path, cookie=None):
    """Bytes on the wire for a first visit to `path` (the page and every file it loads, as a
    browser asking for brotli or gzip gets them) and for a repeat visit (the page again, and
    only the files a browser may not keep: those cached for good are not asked for, those with
    a validator come back as an empty 304). Returns the page's own bytes, those two totals,
    and the files it loads."""
    headers = {"Accept-Encoding": "br, gzip", **({"Cookie": cookie} if cookie else {})}
    status, _, body = request(port, "GET", path, headers=headers)
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    html = request(port, "GET", path, headers={"Cookie": cookie} if cookie else {})[2]
    files = linked_files(html.decode("utf-8", "replace"))
    first = repeat = len(body)
    for file in files:
        s, response_headers, b = request(port, "GET", file, headers=headers)
        if s != 200:
            continue
        first += len(b)
        h = {k.lower(): v for k, v in response_headers}
        kept = "immutable" in h.get("cache-control", "") or "etag" in h or "last-modified" in h
        repeat += 0 if kept else len(b)
    return len(body), first, repeat, sorted(files)


def reader_pages(port, post):
    """The pages a reader visits, by name: each is a row, and a budget, of its own."""
    html = request(port, "GET", post)[2].decode("utf-8", "replace")
    author = re.search(r'href="(/authors/\d+)"', html)
    tag = re.search(r'href="(/tags/[^"?]+)"', html)
    pages = {"home": "/", "post, 20 comments": post, "tag": tag and tag.group(1),
             "author": author and author.group(1), "search results": "/search?q=demo",
             "about": "/about", "contact": "/contact", "login": "/login", "register": "/register"}
    missing = [name for name, path in pages.items() if not path]
    if missing:
        raise RuntimeError(f"no link to the {', '.join(missing)} page on {post}")
    return pages


def queries_per_page(args, db_url, paths):
    """Counts the SQL statements each page runs, from sqlx's statement log: the first request
    renders the page, the second gets it from the page cache."""
    server = Server(args, db_url, {"RUST_LOG": "warn,sqlx::query=debug"})
    try:
        server.wait_ready("/readyz")
        counts = {}
        for path in paths:
            counts[path] = []
            for _ in range(2):
                before = len(server.log_lines())
                request(server.port, "GET", path)
                time.sleep(0.2)
                counts[path].append(sum(1 for l in server.log_lines()[before:]
                                        if "sqlx::query" in l))
        return counts
    finally:
        server.stop()


def register(server, n, email=None):
    """Registers an account (a reader, unless `email` is the admin's); returns its session
    cookie."""
    body = urllib.parse.urlencode({"name": f"Bench Writer {n}",
                                   "email": email or f"writer-{n}-{time.time_ns()}@example.invalid",
                                   "password": "bench passphrase 1234"})
    status, headers, text = request(server.port, "POST", "/api/register", body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://127.0.0.1:{server.port}", "Sec-Fetch-Site": "same-origin"})
    cookie = next((v.split(";")[0] for k, v in headers if k.lower() == "set-cookie"), None)
    if status >= 400 or not cookie:
        raise SystemExit(f"could not register a bench account: {status} {text[:200]!r}")
    return cookie


def register_writers(server, slug, tmp):
    """Registers WRITERS accounts and writes their session cookies, one a line, for wrk."""
    cookies = [register(server, n) for n in range(WRITERS)]
    cookie_file = os.path.join(tmp, "cookies.txt")
    with open(cookie_file, "w") as f:
        f.write("\n".join(cookies) + "\n")
    script = os.path.join(tmp, "comment.lua")
    with open(script, "w") as f:
        f.write(COMMENT_LUA.replace("@COOKIES@", cookie_file).replace("@SLUG@", slug)
                .replace("@ORIGIN@", f"http://127.0.0.1:{server.port}"))
    return script


COMMENT_LUA = r"""
-- Each wrk thread is one writer with its own session; every request adds a comment.
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("writer", counter)
end
function init(args)
  local n = 0
  for line in io.lines("@COOKIES@") do
    n = n + 1
    if n == writer then wrk.headers["Cookie"] = line end
  end
  wrk.method = "POST"
  wrk.body = "slug=@SLUG@&body=A+benchmark+comment%2C+*with*+Markdown."
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Origin"] = "@ORIGIN@"
  wrk.headers["Sec-Fetch-Site"] = "same-origin"
end
"""


def asset_sizes(site):
    sizes = {}
    pkg = os.path.join(site, "pkg")
    for name in sorted(os.listdir(pkg)):
        if not name.endswith((".wasm", ".js", ".css")):
            continue
        data = open(os.path.join(pkg, name), "rb").read()
        br = subprocess.run(["brotli", "-c", "-q", "11"], input=data, capture_output=True,
                            check=True).stdout
        sizes[name] = (len(data), len(gzip.compress(data, 9)), len(br))
    return sizes


def run_backend(args, backend, dataset, budgets, flask=None):
    tmp = tempfile.mkdtemp(prefix="quire-bench-")
    db_url, drop = new_database(backend, tmp)
    try:
        posts = DATASETS[dataset][0]
        # Migrations run on this first start, so the cold starts below do not include them.
        progress(f"{backend} · {dataset}: seeding {posts} posts")
        seed_seconds = seed(args, db_url, dataset)
        post = f"/posts/demo-post-{posts}"
        cold = []
        for _ in range(args.cold_runs):
            s = Server(args, db_url)
            cold.append(s.wait_ready("/") * 1000)
            s.stop()
        server = Server(args, db_url)
        server.wait_ready("/readyz")
        # A page rendered for an anonymous reader (the page cache is off here): what every
        # first view after a change costs.
        uncached = Server(args, db_url, {"QUIRE_PAGE_CACHE_MIB": "0"})
        uncached.wait_ready("/readyz")
        rendered = {"home, not kept": measure(args, uncached, "/"),
                    "post, not kept": measure(args, uncached, post)}
        uncached.stop()
        css = next((f"/pkg/{n}" for n in os.listdir(os.path.join(args.site, "pkg"))
                    if n.endswith(".css")), "/pkg/quire.css")
        rows = {}
        for label, path in [("ceiling /healthz", "/healthz"), ("home /", "/"),
                            ("post", post), ("login", "/login"), ("static css", css)]:
            rows[label] = measure(args, server, path)
        # A logged-in reader's pages are rendered for them every time (never cached).
        reader = {"Cookie": register(server, "reader")}
        for label, path in [("home, logged in", "/"), ("post, logged in", post)]:
            rows[label] = measure(args, server, path, headers=reader)
        # The admin's post page: moderation buttons (forms) on every comment.
        admin = {"Cookie": register(server, "admin", ADMIN_EMAIL)}
        rows["post, admin"] = measure(args, server, post, headers=admin)
        rows.update(rendered)
        weights = {name: page_weight(server.port, path)
                   for name, path in reader_pages(server.port, post).items()}
        weights["editor (admin)"] = page_weight(server.port, "/admin/posts/new", admin["Cookie"])
        if backend == "sqlite" or args.writes_everywhere:
            # On the oldest post, so the pages measured above keep their size.
            script = register_writers(server, "demo-post-1", tmp)
            rows[f"{WRITERS} commenters"] = measure(args, server, "/api/comments/add", script,
                                                    connections=WRITERS, threads=WRITERS)
        server.stop()
        queries = queries_per_page(args, db_url, ["/", post, "/login"])
    finally:
        drop()
        shutil.rmtree(tmp, ignore_errors=True)

    ceiling = rows["ceiling /healthz"]["rps"] or 1
    title = f"{backend} · {dataset} ({posts} posts, {DATASETS[dataset][1]} comments, {DATASETS[dataset][2]} readers)"
    print(f"\n## {title}  — seeded in {seed_seconds:.1f} s\n")
    print(f"| {'endpoint':<18} | {'req/s':>8} | {'of ceiling':>10} | {'p50 ms':>7} | {'p99 ms':>7} | {'CPU µs/req':>10} | {'peak RSS MiB':>12} | {'errors':>6} |")
    print(f"|{'-' * 20}|{'-' * 10}:|{'-' * 12}:|{'-' * 9}:|{'-' * 9}:|{'-' * 12}:|{'-' * 14}:|{'-' * 8}:|")
    for label, r in rows.items():
        print(f"| {label:<18} | {r['rps']:>8.0f} | {100 * r['rps'] / ceiling:>9.1f}% | {r['p50']:>7.2f} | {r['p99']:>7.2f} | {r['cpu_us']:>10.0f} | {r['rss']:>12.1f} | {r['errors']:>6} |")
    for label, r in (flask or {}).items():
        print(f"| {label:<18} | {r['rps']:>8.0f} | {100 * r['rps'] / ceiling:>9.1f}% | {r['p50']:>7.2f} | {r['p99']:>7.2f} | {r['cpu_us']:>10.0f} | {r['rss']:>12.1f} | {r['errors']:>6} |")
    if flask:
        print(f"\nQuire ÷ the Flask blog (gunicorn, 2 sync workers, {BACKEND_NAMES[backend]}), req/s in this run: "
              + ", ".join(f"{label} {rows[label]['rps'] / max(flask['Flask ' + label]['rps'], 1):.1f}×"
                          for label in ["home, logged in", "post, logged in"])
              + f"; anonymous, kept: home {rows['home /']['rps'] / max(flask['Flask home /']['rps'], 1):.0f}×")
    print(f"\ncold start (spawn → first 200 on /, migrations applied), median of {len(cold)}: {statistics.median(cold):.0f} ms (min {min(cold):.0f}, max {max(cold):.0f})")
    print("\nBytes on the wire per page (br/gzip as served), first visit and repeat visit:\n")
    print("| page | first visit KB | repeat visit KB | files it loads |\n|---|---:|---:|---|")
    for name, (_, first, repeat, files) in weights.items():
        print(f"| {name} | {first / 1000:.1f} | {repeat / 1000:.1f} | {', '.join(files)} |")
    print("SQL statements per page (anonymous; rendered, then kept): "
          + ", ".join(f"{p} {n[0]}, {n[1]}" for p, n in queries.items()))

    tag = f"{backend}/{dataset}"
    for label in ["home /", "post"]:
        r = rows[label]
        budgets.append((f"{tag}: {label} throughput ≥ 10% of ceiling", r["rps"] >= 0.1 * ceiling,
                        f"{100 * r['rps'] / ceiling:.1f}%"))
        budgets.append((f"{tag}: {label} p99 ≤ 10 ms at {args.connections} connections",
                        r["p99"] <= 10, f"{r['p99']:.2f} ms"))
    if flask:
        for label in ["home, logged in", "post, logged in"]:
            ratio = rows[label]["rps"] / max(flask["Flask " + label]["rps"], 1)
            budgets.append((f"{tag}: {label} ≥ 10× the Flask blog's req/s (Flask on {BACKEND_NAMES[backend]})", ratio >= 10,
                            f"{ratio:.1f}×"))
    for name, (page, first, repeat, _) in weights.items():
        if name.startswith("editor"):
            continue
        budgets.append((f"{tag}: {name} ≤ 30 KB on a first visit, only the page on a repeat one",
                        first <= 30_000 and repeat == page,
                        f"{first / 1000:.1f} KB, then {repeat / 1000:.1f} KB"))
    rss = max(r["rss"] for r in rows.values())
    budgets.append((f"{tag}: server peak RSS ≤ 40 MiB under load", rss <= 40, f"{rss:.1f} MiB"))
    budgets.append((f"{tag}: cold start ≤ 150 ms", statistics.median(cold) <= 150,
                    f"{statistics.median(cold):.0f} ms"))
    writes = rows.get(f"{WRITERS} commenters")
    if writes and backend == "sqlite":
        budgets.append((f"{tag}: {WRITERS} concurrent commenters, zero errors",
                        writes["errors"] == 0 and writes["requests"] > 0,
                        f"{writes['requests']} comments, {writes['errors']} errors"))


def lighthouse(args, db_url):
    """Google Lighthouse (npm, run with Debian's Chromium) on three pages, mobile and desktop."""
    server = Server(args, db_url)
    server.wait_ready("/readyz")
    lh = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_modules", ".bin",
                      "lighthouse")
    flags = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
             "--disable-background-networking --disable-component-update --disable-sync "
             "--no-first-run --disable-quic")
    categories = ["performance", "accessibility", "best-practices", "seo"]
    rows = []
    try:
        for path in ["/", "/posts/demo-post-50", "/login"]:
            for form in ["mobile", "desktop"]:
                out = tempfile.mktemp(suffix=".json")
                cmd = [lh, f"http://127.0.0.1:{server.port}{path}", "--quiet", "--output=json",
                       f"--output-path={out}", f"--only-categories={','.join(categories)}",
                       f"--chrome-flags={flags}"]
                if form == "desktop":
                    cmd.append("--preset=desktop")
                # A run now and then fails as a whole (Chrome exits early, or the report says
                # runtimeError): one more try, and a run that still fails is shown as such.
                report, error = None, None
                for _ in range(3):
                    if os.path.exists(out):
                        os.unlink(out)
                    run = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                                         env={**os.environ, "CHROME_PATH": args.chrome})
                    try:
                        report = json.load(open(out))
                        error = (report.get("runtimeError") or {}).get("code")
                    except (OSError, ValueError):
                        report, error = None, (run.stderr.strip().splitlines() or ["no report"])[-1]
                    if report is not None and not error:
                        break
                if os.path.exists(out):
                    os.unlink(out)
                if report is None or error:
                    rows.append((path, form, [0] * len(categories), [f"run failed: {error}"],
                                 None, None))
                    continue
                scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in categories]
                misses = [a for c in categories for a in report["categories"][c]["auditRefs"]
                          if a.get("weight") and (report["audits"][a["id"]]["score"] or 0) < 1]
                audits = report["audits"]
                rows.append((path, form, scores, sorted({m["id"] for m in misses}),
                             audits["total-blocking-time"]["numericValue"],
                             audits["total-byte-weight"]["numericValue"]))
    finally:
        server.stop()
    print("\n## Lighthouse (SQLite, small dataset)\n")
    print("| page | form | performance | accessibility | best practices | SEO | total blocking time | total byte weight | audits below 100 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for path, form, scores, misses, tbt, weight in rows:
        tbt = "—" if tbt is None else f"{tbt:.0f} ms"
        weight = "—" if weight is None else f"{weight / 1000:.1f} KB"
        print(f"| {path} | {form} | " + " | ".join(str(s) for s in scores)
              + f" | {tbt} | {weight} | {', '.join(misses)} |")
    return rows


FLASK_BLOG = (5000, 1000, 20000)  # posts, users, comments


def flask_import(args, budgets):
    """`quire import-flask` of a large Flask course blog (built by the real Flask app through
    bench/flask_dataset.py), into each backend: wall time and the process's peak RSS."""
    posts, users, comments = FLASK_BLOG
    tmp = tempfile.mkdtemp(prefix="quire-flask-import-")
    try:
        source = os.path.join(tmp, "flask-blog.db")
        progress(f"building a Flask blog of {posts} posts with the Flask app")
        started = time.perf_counter()
        subprocess.run([args.flask_python, os.path.join(os.path.dirname(__file__), "flask_dataset.py"),
                        source, "--posts", str(posts), "--users", str(users),
                        "--comments", str(comments)], check=True, stderr=subprocess.DEVNULL)
        built = time.perf_counter() - started
        print(f"\n## Moving in from Flask: {posts} posts, {users} users, {comments} comments "
              f"({os.path.getsize(source) / 2**20:.1f} MiB, built by Flask-SQLAlchemy in {built:.1f} s)\n")
        print("| target | wall s | peak RSS MiB | imported |\n|---|---:|---:|---|")
        for backend in args.backends.split(","):
            target = os.path.join(tmp, backend)
            os.mkdir(target)
            db_url, drop = new_database(backend, target)
            try:
                env = {"PATH": os.environ["PATH"], "DATABASE_URL": db_url, "RUST_LOG": "warn"}
                progress(f"quire import-flask into {backend}")
                started = time.perf_counter()
                child = subprocess.Popen([args.binary, "import-flask", "--from", source], env=env,
                                         cwd=target, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                out = child.stdout.read().decode()
                _, status, usage = os.wait4(child.pid, 0)
                seconds = time.perf_counter() - started
                rss = usage.ru_maxrss / 1024
                if status != 0:
                    raise RuntimeError(f"import-flask into {backend} failed:\n{out}")
                counts = ", ".join(re.findall(r"(?:users|posts|comments): \d+", out))
                print(f"| {backend} | {seconds:.1f} | {rss:.1f} | {counts} |")
                budgets.append((f"Flask import into {backend} < 10 s", seconds < 10, f"{seconds:.1f} s"))
                budgets.append((f"Flask import into {backend} < 64 MiB peak RSS", rss < 64, f"{rss:.1f} MiB"))
            finally:
                drop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def markdown_moves(args):
    """`quire export-markdown` and `export-static` of a 5,000-post blog (`quire demo`, 20
    comments on the newest) and `quire import-markdown` of the Markdown folder into an empty
    database, on each backend: wall time and the process's peak RSS. Then the WordPress and
    Ghost importers, on exports grown to 5,000 posts from the real fixtures."""
    posts = DATASETS["large"][0]
    print(f"\n## Markdown and static site out, Markdown in: {posts:,} posts\n")
    print("| backend | step | wall s | peak RSS MiB | said |\n|---|---|---:|---:|---|")
    for backend in args.backends.split(","):
        tmp = tempfile.mkdtemp(prefix="quire-markdown-")
        source_url, drop_source = new_database(backend, tmp)
        time.sleep(0.01)  # PostgreSQL databases are named after the millisecond
        target_dir = os.path.join(tmp, "target")
        os.mkdir(target_dir)
        target_url, drop_target = new_database(backend, target_dir)
        try:
            env = {"PATH": os.environ["PATH"], "DATABASE_URL": source_url, "RUST_LOG": "warn"}
            subprocess.run([args.binary, "demo", "--posts", str(posts), "--body-bytes", "3000",
                            "--users", "100", "--comments", "20"], env=env, check=True, cwd=tmp,
                           capture_output=True)
            folder = os.path.join(tmp, "posts")
            site = os.path.join(tmp, "site")
            for step, url, command in [
                ("export-markdown", source_url, ["export-markdown", folder]),
                ("export-static", source_url,
                 ["export-static", site, "--base-url", "https://archive.example"]),
                ("import-markdown", target_url, ["import-markdown", folder]),
            ]:
                progress(f"quire {step} of {posts} posts on {backend}")
                started = time.perf_counter()
                with tempfile.TemporaryFile() as errors:
                    child = subprocess.Popen([args.binary, *command], cwd=tmp, stdout=subprocess.PIPE,
                                             stderr=errors, env={**env, "DATABASE_URL": url,
                                                                 "LEPTOS_SITE_ROOT": args.site})
                    out = child.stdout.read().decode()
                    _, status, usage = os.wait4(child.pid, 0)
                    seconds = time.perf_counter() - started
                    if status != 0:
                        errors.seek(0)
                        raise RuntimeError(f"{step} on {backend} failed:\n{errors.read().decode()}")
                rss = usage.ru_maxrss / 1024
                said = out.strip().splitlines()[0] if out.strip() else ""
                print(f"| {backend} | {step} | {seconds:.1f} | {rss:.1f} | {said} |")
        finally:
            drop_source()
            drop_target()
            shutil.rmtree(tmp, ignore_errors=True)


def grown_exports(tmp, posts):
    """The WordPress and Ghost fixtures (real exports) with `posts` more copies of a published
    post each, under new ids, titles and addresses: what a large blog's export looks like."""
    fixtures = os.path.join(os.path.dirname(__file__), "..", "server", "tests", "fixtures")
    with open(os.path.join(fixtures, "wordpress", "export.xml"), encoding="utf-8") as f:
        wxr = f.read()
    start = wxr.index("<item>", wxr.index("<title><![CDATA[Hello from WordPress]]>") - 200)
    item = wxr[start:wxr.index("</item>", start) + len("</item>")]
    copies = []
    for i in range(posts):
        copies.append(item.replace("hello-from-wordpress", f"hello-from-wordpress-{i}")
                      .replace("Hello from WordPress", f"Hello from WordPress {i}")
                      .replace("<wp:post_id>4</wp:post_id>", f"<wp:post_id>{100000 + i}</wp:post_id>"))
    end = wxr.rindex("</channel>")
    wordpress = os.path.join(tmp, "wordpress.xml")
    with open(wordpress, "w", encoding="utf-8") as f:
        f.write(wxr[:end] + "\n".join(copies) + wxr[end:])

    with open(os.path.join(fixtures, "ghost", "export.json"), encoding="utf-8") as f:
        export = json.load(f)
    data = export["db"][0]["data"]
    post = next(p for p in data["posts"] if p["slug"] == "tagged-everything")
    links = [t for t in data["posts_tags"] if t["post_id"] == post["id"]]
    for i in range(posts):
        copy = dict(post, id=f"bench{i:019d}", slug=f"tagged-everything-{i}",
                    title=f"Tagged Everything {i}")
        data["posts"].append(copy)
        data["posts_authors"].append({"id": f"a{i}", "post_id": copy["id"], "author_id": "1",
                                      "sort_order": 0})
        data["posts_tags"].extend(dict(t, id=f"t{i}-{n}", post_id=copy["id"])
                                  for n, t in enumerate(links))
    ghost = os.path.join(tmp, "ghost.json")
    with open(ghost, "w", encoding="utf-8") as f:
        json.dump(export, f)
    return wordpress, ghost


def platform_imports(args):
    """`quire import-wordpress` and `import-ghost` of exports grown to 5,000 posts, into an
    empty database on each backend."""
    posts = DATASETS["large"][0]
    print(f"\n## WordPress and Ghost in: {posts:,} posts more than the real fixtures\n")
    print("| backend | step | wall s | peak RSS MiB | said |\n|---|---|---:|---:|---|")
    tmp = tempfile.mkdtemp(prefix="quire-platforms-")
    try:
        # In a process of its own: a child's peak RSS counts the parent it was forked from,
        # and this one would hold both exports.
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([sys.executable, "-c", "import sys, bench; bench.grown_exports(*sys.argv[1:2], "
                        "int(sys.argv[2]))", tmp, str(posts)], cwd=here, check=True)
        wordpress, ghost = os.path.join(tmp, "wordpress.xml"), os.path.join(tmp, "ghost.json")
        for backend in args.backends.split(","):
            for step, command in [("import-wordpress", ["import-wordpress", wordpress]),
                                  ("import-ghost", ["import-ghost", ghost])]:
                target = tempfile.mkdtemp(dir=tmp)
                url, drop = new_database(backend, target)
                try:
                    progress(f"quire {step} of {posts} posts on {backend}")
                    env = {"PATH": os.environ["PATH"], "DATABASE_URL": url, "RUST_LOG": "warn"}
                    started = time.perf_counter()
                    child = subprocess.Popen([args.binary, *command], cwd=target, env=env,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    out = child.stdout.read().decode()
                    errors = child.stderr.read().decode()
                    _, status, usage = os.wait4(child.pid, 0)
                    seconds = time.perf_counter() - started
                    if status != 0:
                        raise RuntimeError(f"{step} on {backend} failed:\n{errors}")
                    said = next((line for line in out.splitlines() if " posts (" in line), "")
                    print(f"| {backend} | {step} | {seconds:.1f} | {usage.ru_maxrss / 1024:.1f} "
                          f"| {said} |")
                finally:
                    drop()
                    time.sleep(0.01)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def scalar(backend, db_url, sql):
    """One number from the database under test, read beside the server."""
    if backend == "sqlite":
        import sqlite3
        path = db_url.split("://", 1)[1]
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
            return conn.execute(sql).fetchone()[0]
    out = subprocess.run(["psql", "-qtA", db_url, "-c", sql], check=True, capture_output=True,
                         text=True)
    return int(out.stdout.strip())


def newsletter(args, budgets):
    """A post mailed to `--newsletter` confirmed subscribers through a local SMTP server
    (aiosmtpd from PyPI, which takes each mail and keeps none), on each backend: how long the
    import of the list, the queueing and the sending take, and the server's peak RSS while it
    sends."""
    count = args.newsletter
    print(f"\n## Newsletter: one post to {count:,} subscribers\n")
    print("Sent as fast as the SMTP server takes them (`QUIRE_NEWSLETTER_PER_MINUTE=60000`; the "
          "default, 60, is for small providers). Queued: from the publishing request until "
          "every mail is in the outbox; sent: until the SMTP server has accepted the last one.\n")
    print("| backend | import list s | queued s | sent s | mails/s | peak RSS MiB |\n"
          "|---|---:|---:|---:|---:|---:|")
    for backend in args.backends.split(","):
        tmp = tempfile.mkdtemp(prefix="quire-newsletter-")
        db_url, drop = new_database(backend, tmp)
        smtp = None
        server = None
        try:
            env = {"PATH": os.environ["PATH"], "DATABASE_URL": db_url, "RUST_LOG": "warn"}
            subprocess.run([args.binary, "migrate"], env=env, check=True, cwd=tmp,
                           capture_output=True)
            listing = os.path.join(tmp, "subscribers.csv")
            with open(listing, "w") as f:
                f.write("email,opted_in\n")
                for i in range(count):
                    f.write(f"reader-{i}@example.invalid,yes\n")
            progress(f"importing {count} subscribers into {backend}")
            started = time.perf_counter()
            subprocess.run([args.binary, "subscribers", "import", listing], env=env, check=True,
                           cwd=tmp, capture_output=True)
            imported = time.perf_counter() - started

            smtp_port = free_port()
            smtp_log = open(os.path.join(tmp, "smtp.log"), "w")
            smtp = subprocess.Popen([args.flask_python, "-m", "aiosmtpd", "--nosetuid", "--listen",
                                     f"127.0.0.1:{smtp_port}", "--class", "aiosmtpd.handlers.Sink"],
                                    stdout=smtp_log, stderr=smtp_log)
            server = Server(args, db_url, {
                "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
                "CONTACT_TO": "owner@example.invalid",
                "QUIRE_PUBLIC_URL": "https://blog.example.invalid",
                "QUIRE_VERIFY_EMAIL": "off",
                "QUIRE_NEWSLETTER_PER_MINUTE": "60000",
            })
            server.wait_ready()
            cookie = register(server, 0, ADMIN_EMAIL)
            server.reset_peak_rss()
            progress(f"mailing a post to {count} subscribers on {backend}")
            body = urllib.parse.urlencode({
                "title": "A letter to everyone", "subtitle": "", "cover_url": "",
                "body": "Words for the subscribers. " * 100, "status": "published",
                "publish_at": "", "email_subscribers": "on"})
            started = time.perf_counter()
            status, _, text = request(server.port, "POST", "/api/posts/create", body, {
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                "Origin": f"http://127.0.0.1:{server.port}", "Sec-Fetch-Site": "same-origin"})
            if status >= 400:
                raise RuntimeError(f"could not publish: {status} {text[:200]!r}")
            queued = sent = None
            deadline = started + 900
            while sent is None:
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"the newsletter was not sent within 15 minutes on {backend}")
                time.sleep(0.1)
                now = time.perf_counter() - started
                if queued is None and scalar(backend, db_url,
                                             "SELECT COUNT(*) FROM post_mailings") >= count:
                    queued = now
                if queued is not None and scalar(
                        backend, db_url,
                        "SELECT COUNT(*) FROM outbox WHERE kind = 'post' AND sent_at IS NOT NULL"
                ) >= count:
                    sent = now
            rss = server.peak_rss_mib()
            print(f"| {backend} | {imported:.1f} | {queued:.1f} | {sent:.1f} | {count / sent:.0f} "
                  f"| {rss:.1f} |")
            budgets.append((f"newsletter of {count:,} on {backend}: peak RSS < 40 MiB", rss < 40,
                            f"{rss:.1f} MiB"))
        finally:
            if server:
                server.stop()
            if smtp:
                smtp.terminate()
                smtp.wait()
            drop()
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--datasets", default="small,large")
    parser.add_argument("--only-lighthouse", action="store_true",
                        help="skip everything but Lighthouse (implies --lighthouse)")
    parser.add_argument("--lighthouse", action="store_true",
                        help="also run Lighthouse (bench/run.sh installs it) on three pages")
    parser.add_argument("--chrome", default="/usr/bin/chromium")
    parser.add_argument("--writes-everywhere", action="store_true",
                        help="also measure concurrent commenters on PostgreSQL")
    parser.add_argument("--flask-python",
                        help="a Python with bench/flask-requirements.txt (bench/run.sh makes "
                             "one): the Flask blog's rows, and `quire import-flask`")
    parser.add_argument("--newsletter", type=int, default=10_000,
                        help="subscribers the newsletter row mails a post to (0: no such row)")
    parser.add_argument("--only-newsletter", action="store_true",
                        help="skip everything but the newsletter row")
    parser.add_argument("--only-markdown", action="store_true",
                        help="skip everything but the moves of 5,000 posts (Markdown and static out; Markdown, WordPress, Ghost in)")
    args = parser.parse_args()
    args.lighthouse = args.lighthouse or args.only_lighthouse
    args.site = os.path.abspath(args.site)
    args.binary = os.path.abspath(args.binary)

    print(f"# Quire benchmark — {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
          f"wrk {args.connections} connections × {args.duration} s per endpoint")
    print("\n## Client size (release build)\n")
    print("| file | raw | gzip -9 | brotli -q 11 |\n|---|---:|---:|---:|")
    sizes = asset_sizes(args.site)
    for name, (raw, gz, br) in sizes.items():
        print(f"| {name} | {raw / 1024:.1f} KiB | {gz / 1024:.1f} KiB | {br / 1024:.1f} KiB |")
    budgets = []
    wasm_br = sum(br for name, (_, _, br) in sizes.items() if name.endswith(".wasm"))
    budgets.append(("release WASM ≤ 200 KB brotli", wasm_br <= 200_000, f"{wasm_br / 1000:.0f} KB"))

    only_one = args.only_lighthouse or args.only_newsletter or args.only_markdown
    for dataset in [] if only_one else args.datasets.split(","):
        for backend in args.backends.split(","):
            flask = flask_rows(args, dataset, backend) if args.flask_python else None
            run_backend(args, backend, dataset, budgets, flask)

    if args.flask_python and not only_one:
        flask_import(args, budgets)

    if args.flask_python and args.newsletter > 0 and not (args.only_lighthouse or args.only_markdown):
        newsletter(args, budgets)

    if args.only_markdown or not only_one:
        markdown_moves(args)
        platform_imports(args)

    if args.lighthouse:
        tmp = tempfile.mkdtemp(prefix="quire-lighthouse-")
        db_url, drop = new_database("sqlite", tmp)
        try:
            seed(args, db_url, "small")
            progress("Lighthouse on three pages, mobile and desktop")
            for path, form, scores, _, tbt, _ in lighthouse(args, db_url):
                budgets.append((f"Lighthouse {path} {form}: 100 in all four categories",
                                min(scores) == 100, "/".join(str(s) for s in scores)))
                budgets.append((f"Lighthouse {path} {form}: total blocking time 0 ms",
                                tbt == 0, "—" if tbt is None else f"{tbt:.0f} ms"))
        finally:
            drop()
            shutil.rmtree(tmp, ignore_errors=True)

    print("\n## Budgets\n")
    for name, ok, value in budgets:
        print(f"- {'PASS' if ok else 'FAIL'}  {name}: {value}")
    failed = sum(1 for _, ok, _ in budgets if not ok)
    print(f"\n{len(budgets) - failed} of {len(budgets)} budgets met.")


if __name__ == "__main__":
    main()
