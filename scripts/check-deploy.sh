#!/usr/bin/env bash
# Checks the deployment files without Docker (CI has no Docker engine), after
# scripts/build-release.sh:
#   1. Dockerfile: it builds with the same scripts CI runs (install-tools.sh, then
#      build-release.sh), copies that runtime folder into a Debian image that matches the
#      builder, runs as a non-root user, exposes its port, holds no secret;
#   2. render.yaml: valid YAML, a Docker web service with health check /readyz, a database,
#      DATABASE_URL taken from it, no secret value, only variables Quire reads;
#   3. README: every variable of render.yaml is named in "## Deploy", every variable of
#      .env.example there or in "## Configuration"; the Deploy section's links resolve;
#   4. the runtime folder, run the way the image runs it: copied to the Dockerfile's paths
#      (under a temporary root), started from its WORKDIR as its USER (when this script runs
#      as root) with only the Dockerfile's ENV plus PORT and a temporary SQLite DATABASE_URL;
#      /readyz, /, every file of the site and every /pkg/ asset the page loads must answer
#      200, and SIGTERM must stop it with exit code 0.
#
#   scripts/check-deploy.sh [DIST]     (default: $CARGO_TARGET_DIR/dist, else target/dist)
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
dist=${1:-$target_dir/dist}

failures=0
pass() { printf 'PASS  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
section() { printf '\n== %s\n' "$*"; }

stage=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$stage"
}
trap cleanup EXIT
chmod 0755 "$stage"

# --- 1-3: the files -----------------------------------------------------------------------
# Python (standard library only; PyYAML when it is installed) checks the files, prints
# PASS/FAIL lines, and writes what the image's runtime stage sets up to $stage/runtime.
set +e
python3 - "$stage" <<'PY'
import json, os, re, shlex, sys

stage = sys.argv[1]
failures = 0


def ok(msg):
    print(f"PASS  {msg}")


def bad(msg):
    global failures
    failures += 1
    print(f"FAIL  {msg}")


def check(cond, msg, why=""):
    if cond:
        ok(msg)
    else:
        bad(f"{msg}{': ' + why if why else ''}")
    return cond


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        bad(f"cannot read {path}: {e}")
        return ""


# ---------------------------------------------------------------------------- Dockerfile
print("== Dockerfile")
docker_text = read("Dockerfile")
instructions = []  # (stage index, INSTRUCTION, arguments)
pending = ""
for raw in docker_text.splitlines():
    line = raw.strip()
    if not pending and (not line or line.startswith("#")):
        continue
    if pending and line.startswith("#"):
        continue  # comment lines inside a continued instruction are dropped by Docker
    if line.endswith("\\"):
        pending += line[:-1] + " "
        continue
    line = pending + line
    pending = ""
    word, _, rest = line.partition(" ")
    instructions.append((word.upper(), rest.strip()))

stages = []  # [{"from": ..., "name": ..., "ins": [(I, args)]}]
for word, rest in instructions:
    if word == "FROM":
        parts = rest.split()
        parts = [p for p in parts if not p.startswith("--platform")]
        name = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
        stages.append({"from": parts[0] if parts else "", "name": name, "ins": []})
    elif stages:
        stages[-1]["ins"].append((word, rest))

runtime = {}
if check(len(stages) >= 2, "Dockerfile is multi-stage", f"{len(stages)} stage(s)"):
    build, final = stages[:-1], stages[-1]
    build_runs = [(i, s, args) for i, s in enumerate(build) for (w, args) in s["ins"] if w == "RUN"]

    cargo_toml = read("Cargo.toml")
    m = re.search(r'^rust-version\s*=\s*"([^"]+)"', cargo_toml, re.M)
    rust_version = m.group(1) if m else None
    m = re.match(r"(?:docker\.io/(?:library/)?)?rust:([0-9.]+)-([a-z]+)$", build[0]["from"])
    check(m is not None and rust_version is not None and m.group(1).startswith(rust_version),
          f"builder image {build[0]['from']} has Cargo.toml's rust-version {rust_version}")
    codename = m.group(2) if m else None
    check(final["from"] == f"debian:{codename}-slim",
          f"runtime image {final['from']} is the builder's Debian release ({codename}), slim")

    install = [k for k, (i, s, a) in enumerate(build_runs) if re.search(r"(^|[\s;&|])scripts/install-tools\.sh\b", a)]
    check(bool(install), "a build RUN calls scripts/install-tools.sh")
    check(all("--browser" not in build_runs[k][2] for k in install),
          "scripts/install-tools.sh runs without --browser (no chromium in the builder)")
    build_run = [(k, re.search(r"(?:^|[\s;&|])scripts/build-release\.sh(?:\s+(\S+))?", a))
                 for k, (i, s, a) in enumerate(build_runs)]
    build_run = [(k, mm) for k, mm in build_run if mm]
    dist_dir = None
    if check(bool(build_run), "a build RUN calls scripts/build-release.sh (the build CI runs)"):
        k, mm = build_run[-1]
        check(bool(install) and install[0] < k, "install-tools.sh runs before build-release.sh")
        dist_dir = mm.group(1)
        check(dist_dir is not None and dist_dir.startswith("/"),
              f"build-release.sh writes to an absolute folder ({dist_dir})")

    # The runtime stage, instruction by instruction.
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    copies, users, exposes, workdir, cmd = [], [], [], "/", None

    def expand(value):
        return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda v: env.get(v.group(1) or v.group(2), ""), value)

    for word, rest in final["ins"]:
        if word == "ENV":
            tokens = shlex.split(rest)
            if len(tokens) >= 2 and "=" not in tokens[0]:
                tokens = [tokens[0] + "=" + " ".join(tokens[1:])]  # legacy `ENV KEY value`
            for token in tokens:
                key, _, value = token.partition("=")
                env[key] = expand(value)
        elif word == "COPY":
            args = shlex.split(rest)
            flags = [a for a in args if a.startswith("--")]
            paths = [a for a in args if not a.startswith("--")]
            copies.append((flags, paths))
        elif word == "USER":
            users.append(rest.strip())
        elif word == "EXPOSE":
            exposes += rest.split()
        elif word == "WORKDIR":
            workdir = os.path.join(workdir, expand(rest.strip()))
        elif word in ("CMD", "ENTRYPOINT"):
            try:
                cmd = (word, json.loads(rest))
            except ValueError:
                cmd = (word, None)
        elif word == "ARG" and re.search(r"PASSWORD|SECRET|TOKEN|DATABASE_URL|DB_URI|SMTP_URL", rest, re.I):
            bad(f"runtime stage declares a build argument that looks secret: ARG {rest}")

    builder_names = {s["name"] for s in build if s["name"]} | {str(i) for i in range(len(build))}
    from_builder = [(f, p) for f, p in copies
                    if any(x.startswith("--from=") and x.split("=", 1)[1] in builder_names for x in f)]
    copy_dest = None
    if check(len(from_builder) == 1 and len(from_builder[0][1]) == 2,
             "the runtime stage copies one folder from the builder"):
        src, copy_dest = from_builder[0][1]
        copy_dest = copy_dest.rstrip("/") or "/"
        check(dist_dir is not None and src.rstrip("/") == dist_dir.rstrip("/"),
              f"it copies build-release.sh's folder ({src} -> {copy_dest})")
    check(not [p for f, p in copies if not any(x.startswith("--from=") for x in f)],
          "the runtime stage copies nothing from the build context (no source, no .env)")

    user = users[-1] if users else ""
    uid, _, gid = user.partition(":")
    check(bool(user) and uid not in ("0", "root"), f"the runtime stage runs as a non-root USER ({user or 'none'})")
    check(uid.isdigit() and (gid == "" or gid.isdigit()), "USER is numeric (uid:gid), so hosts can verify it is not root")
    addr = env.get("LEPTOS_SITE_ADDR", "")
    port = addr.rpartition(":")[2]
    check(bool(exposes), f"the runtime stage EXPOSEs a port ({' '.join(exposes) or 'none'})")
    check(addr.startswith("0.0.0.0:") and port in [e.split("/")[0] for e in exposes],
          f"LEPTOS_SITE_ADDR ({addr or 'unset'}) listens on every interface, on the EXPOSEd port")
    site_root = env.get("LEPTOS_SITE_ROOT", "")
    check(copy_dest is not None and site_root == copy_dest.rstrip("/") + "/site",
          f"LEPTOS_SITE_ROOT ({site_root or 'unset'}) is the copied folder's site/")
    check(cmd is not None and cmd[0] == "CMD" and isinstance(cmd[1], list) and cmd[1][:1] == ["quire"],
          f"CMD runs quire in exec form (signals reach it): {cmd[1] if cmd else 'none'}")
    secret_env = [k for k in env if re.search(r"PASSWORD|SECRET|TOKEN|^DATABASE_URL$|^DB_URI$|^SMTP_URL$", k)]
    check(not secret_env and not any(re.search(r"://[^/\s:@]+:[^/\s@]+@", v) for v in env.values()),
          "the image sets no secret (no database URL, password or token in ENV)")

    dockerignore = read(".dockerignore").split()
    missing = [p for p in (".env", ".git", "target", "node_modules", "data") if p not in dockerignore]
    check(not missing, ".dockerignore keeps .env, .git, target, node_modules and data out of the build",
          "missing " + ", ".join(missing))

    if copy_dest and user and cmd and isinstance(cmd[1], list):
        runtime = {"copy_dest": copy_dest, "workdir": workdir, "uid": uid, "gid": gid or uid,
                   "cmd": cmd[1], "env": env}

# ---------------------------------------------------------------------------- .env.example
example_vars = re.findall(r"^([A-Z][A-Z0-9_]*)=", read(".env.example"), re.M)

# ---------------------------------------------------------------------------- render.yaml
print("\n== render.yaml")


class YamlError(Exception):
    pass


def mini_yaml(text):
    """The block-style subset of YAML a Blueprint needs (mappings, lists, plain and quoted
    scalars, comments). Anything else is an error rather than a guess."""
    lines = []
    for no, raw in enumerate(text.splitlines(), 1):
        body, quote = "", None
        for i, ch in enumerate(raw):
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "'\"" and (i == 0 or raw[i - 1] in " :-[{,"):
                quote = ch
            elif ch == "#" and (i == 0 or raw[i - 1] in " \t"):
                break
            body += ch
        if quote:
            raise YamlError(f"line {no}: unterminated quote")
        body = body.rstrip()
        if not body.strip() or (not lines and body.strip() == "---"):
            continue
        indent = len(body) - len(body.lstrip(" "))
        if body[indent:indent + 1] == "\t":
            raise YamlError(f"line {no}: tab in indentation")
        lines.append([no, indent, body.strip()])

    def scalar(s, no):
        if s in ("[]", "{}"):
            return [] if s == "[]" else {}
        if s[0] in "\"'":
            if len(s) < 2 or s[-1] != s[0]:
                raise YamlError(f"line {no}: text after a quoted value")
            inner = s[1:-1]
            if s[0] == '"':
                if "\\" in inner:
                    raise YamlError(f"line {no}: escapes are not supported here")
                return inner
            return inner.replace("''", "'")
        if s[0] in "[]{}&*!|>%@`," or s.startswith("- "):
            raise YamlError(f"line {no}: unsupported YAML construct: {s}")
        if s in ("true", "True", "TRUE"):
            return True
        if s in ("false", "False", "FALSE"):
            return False
        if s in ("null", "~", "Null", "NULL"):
            return None
        if re.fullmatch(r"[-+]?[0-9]+", s):
            return int(s)
        if ": " in s or s.endswith(":"):
            raise YamlError(f"line {no}: a mapping is not allowed here: {s}")
        return s

    pos = 0

    def is_item(s):
        return s == "-" or s.startswith("- ")

    def split_key(s, no):
        m = re.match(r"([A-Za-z_][\w.-]*):(?:\s+(.*))?$", s)
        if not m:
            raise YamlError(f"line {no}: expected 'key: value', got: {s}")
        return m.group(1), (m.group(2) or "")

    def block(indent):
        return seq(indent) if is_item(lines[pos][2]) else mapping(indent)

    def value_after(indent, no):
        nonlocal pos
        if pos < len(lines) and (lines[pos][1] > indent or (lines[pos][1] == indent and is_item(lines[pos][2]))):
            return block(lines[pos][1])
        return None

    def mapping(indent):
        nonlocal pos
        out = {}
        while pos < len(lines) and lines[pos][1] == indent and not is_item(lines[pos][2]):
            no, _, s = lines[pos]
            key, rest = split_key(s, no)
            if key in out:
                raise YamlError(f"line {no}: duplicate key {key}")
            pos += 1
            out[key] = scalar(rest, no) if rest else value_after(indent, no)
        if pos < len(lines) and lines[pos][1] > indent:
            raise YamlError(f"line {lines[pos][0]}: unexpected indentation")
        return out

    def seq(indent):
        nonlocal pos
        out = []
        while pos < len(lines) and lines[pos][1] == indent and is_item(lines[pos][2]):
            no, _, s = lines[pos]
            content = s[1:].lstrip(" ")
            if not content:
                pos += 1
                out.append(value_after(indent, no))
            elif re.match(r"[A-Za-z_][\w.-]*:(\s|$)", content):
                lines[pos] = [no, indent + len(s) - len(content), content]
                out.append(mapping(lines[pos][1]))
            else:
                pos += 1
                out.append(scalar(content, no))
        if pos < len(lines) and lines[pos][1] > indent:
            raise YamlError(f"line {lines[pos][0]}: unexpected indentation")
        return out

    if not lines:
        return None
    doc = block(lines[0][1])
    if pos != len(lines):
        raise YamlError(f"line {lines[pos][0]}: unexpected content")
    return doc


render_text = read("render.yaml")
blueprint = None
try:
    import yaml  # PyYAML, when installed

    parser = "PyYAML"
    try:
        blueprint = yaml.safe_load(render_text)
    except yaml.YAMLError as e:
        bad(f"render.yaml is not valid YAML: {e}")
except ImportError:
    parser = "the built-in block-YAML reader (PyYAML is not installed)"
    try:
        blueprint = mini_yaml(render_text)
    except YamlError as e:
        bad(f"render.yaml could not be read: {e}")

render_vars = []
if blueprint is not None and check(isinstance(blueprint, dict), f"render.yaml parses ({parser})"):
    known = {"services", "databases", "envVarGroups", "projects", "ungrouped", "previews"}
    check(set(blueprint) <= known, "render.yaml has only Blueprint top-level keys",
          ", ".join(sorted(set(blueprint) - known)))
    services = blueprint.get("services") or []
    webs = [s for s in services if isinstance(s, dict) and s.get("type") == "web"]
    databases = [d for d in (blueprint.get("databases") or []) if isinstance(d, dict)]
    db_names = {d.get("name") for d in databases}
    check(len(databases) >= 1 and None not in db_names, "render.yaml declares a named PostgreSQL database",
          f"databases: {sorted(map(str, db_names))}")
    if check(len(webs) == 1, "render.yaml has one web service"):
        web = webs[0]
        check(web.get("runtime") == "docker", f"it is built with Docker (runtime: {web.get('runtime')})")
        path = web.get("dockerfilePath", "./Dockerfile")
        check(os.path.normpath(path) == "Dockerfile" and os.path.isfile(path),
              f"its dockerfilePath ({path}) is this Dockerfile")
        check(os.path.normpath(web.get("dockerContext", ".")) == ".", "its Docker context is the repository")
        check(web.get("healthCheckPath") == "/readyz",
              f"its healthCheckPath is /readyz ({web.get('healthCheckPath')})")
        check("dockerCommand" not in web and "startCommand" not in web,
              "it runs the image's CMD (no dockerCommand/startCommand override)")
        env_vars = web.get("envVars") or []
        by_key = {}
        for item in env_vars:
            if not isinstance(item, dict) or "key" not in item:
                bad(f"envVars entry without a key: {item}")
                continue
            key = item["key"]
            render_vars.append(key)
            if key in by_key:
                bad(f"envVars names {key} twice")
            by_key[key] = item
            sources = [s for s in ("value", "generateValue", "sync", "fromDatabase", "fromService", "fromGroup") if s in item]
            if len(sources) != 1 or ("sync" in item and item["sync"] is not False):
                bad(f"{key}: needs exactly one source (value, generateValue, sync: false, fromDatabase…): {sources}")
            if "value" in item and not isinstance(item["value"], str):
                bad(f"{key}: quote the value ({item['value']!r}) so it stays a string")
            if "value" in item and re.search(r"URL$|URI$|PASSWORD|SECRET|TOKEN|KEY", key):
                bad(f"{key}: a committed value for what may be a secret; use sync: false, generateValue or fromDatabase")
        db_url = by_key.get("DATABASE_URL", {}).get("fromDatabase")
        check(isinstance(db_url, dict) and db_url.get("name") in db_names and db_url.get("property") == "connectionString",
              "DATABASE_URL comes from the database (fromDatabase, property connectionString)", str(db_url))
        unknown = [k for k in render_vars if k not in example_vars]
        check(not unknown, "every variable in render.yaml is one Quire reads (listed in .env.example)",
              "unknown: " + ", ".join(unknown))
        check("PORT" not in by_key or "value" not in by_key["PORT"] or str(by_key["PORT"]["value"]).isdigit(),
              "PORT is left to Render or set to a number")

# ---------------------------------------------------------------------------- README
print("\n== README")
readme = read("README.md")


def section(title):
    m = re.search(r"^## " + re.escape(title) + r"[ \t]*\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    return m.group(1) if m else None


def named(var, text):
    return re.search(r"(?<![A-Za-z0-9_])" + re.escape(var) + r"(?![A-Za-z0-9_])", text) is not None


deploy, config = section("Deploy"), section("Configuration")
if check(deploy is not None, 'README has a "## Deploy" section'):
    missing = [v for v in render_vars if not named(v, deploy)]
    check(not missing, f"the Deploy section names every variable of render.yaml ({len(render_vars)})",
          "missing " + ", ".join(missing))
    missing = [v for v in example_vars if not named(v, deploy) and not (config and named(v, config))]
    check(not missing, f"every variable of .env.example ({len(example_vars)}) is named in Deploy or Configuration",
          "missing " + ", ".join(missing))

    def slug(heading):
        s = re.sub(r"[^\w\- ]", "", heading.strip().lower())
        return s.replace(" ", "-")

    anchors = {slug(h) for h in re.findall(r"^#{1,6} (.+)$", readme, re.M)}
    links = sorted(set(re.findall(r"\]\(#([^)\s]+)\)", deploy)))
    broken = [a for a in links if a not in anchors]
    check(not broken, f"the Deploy section's links to other sections resolve ({len(links)})",
          "no heading for #" + ", #".join(broken))

if runtime:
    with open(os.path.join(stage, "runtime.json"), "w") as f:
        json.dump(runtime, f)
sys.exit(min(failures, 100))
PY
static_failures=$?
set -e
failures=$((failures + static_failures))

# --- 4: the runtime folder, run as the image runs it ----------------------------------------
section "the runtime folder ($dist), run as the Docker image runs it"
if [ ! -f "$stage/runtime.json" ]; then
  fail "cannot run the image's set-up: the Dockerfile checks above failed"
elif [ ! -x "$dist/quire" ] || [ ! -f "$dist/site/pkg/quire.wasm" ]; then
  fail "$dist has no quire binary or site/pkg/quire.wasm: run scripts/build-release.sh first"
else
  # Python turns runtime.json into shell-safe lines: the image's paths moved under $stage.
  declare -A rt=()
  envs=()
  while IFS= read -r -d '' line; do
    case $line in
      env:*) envs+=("${line#env:}") ;;
      *=*) rt[${line%%=*}]=${line#*=} ;;
    esac
  done < <(python3 - "$stage" <<'PY'
import json, sys
stage = sys.argv[1]
rt = json.load(open(f"{stage}/runtime.json"))
dest = rt["copy_dest"]
def moved(value):
    # Every path inside the copied folder or the working directory now lives under $stage.
    parts = value.split(":")
    return ":".join(stage + p if p == dest or p.startswith(dest + "/") or p == rt["workdir"] else p for p in parts)
out = [f"dest={stage}{dest}", f"home={stage}{rt['workdir']}", f"uid={rt['uid']}", f"gid={rt['gid']}",
       f"cmd={rt['cmd'][0]}"]
out += [f"env:{k}={moved(v)}" for k, v in rt["env"].items()]
sys.stdout.write("".join(x + "\0" for x in out))
PY
)
  if [ -z "${rt[dest]:-}" ] || [ -z "${rt[home]:-}" ] || [ -z "${rt[cmd]:-}" ]; then
    fail "could not read the runtime stage's set-up"
    exit 1
  fi
  mkdir -p "${rt[dest]}" "${rt[home]}"
  cp -R "$dist"/. "${rt[dest]}"/
  chmod -R a+rX "$stage"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  db="${rt[home]}/check-deploy.db"
  envs+=("HOME=${rt[home]}" "PORT=$port" "DATABASE_URL=sqlite://$db")
  runner=()
  if [ "$(id -u)" = 0 ]; then
    chown -R "${rt[uid]}:${rt[gid]}" "${rt[home]}"
    runner=(setpriv --reuid="${rt[uid]}" --regid="${rt[gid]}" --clear-groups)
    run_as="uid ${rt[uid]}"
  else
    run_as="$(id -un) (not root, so as is)"
  fi
  printf 'Running %s from %s as %s with:\n' "${rt[cmd]}" "${rt[home]}" "$run_as"
  printf '  %s\n' "${envs[@]}"

  log="$stage/server.log"
  (cd "${rt[home]}" && exec "${runner[@]}" env -i "${envs[@]}" "${rt[cmd]}") >"$log" 2>&1 &
  pid=$!

  base="http://127.0.0.1:$port"
  status() { curl -s -o "${2:-/dev/null}" -w '%{http_code}' --max-time 10 "$base$1" || true; }
  ready=""
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    [ "$(status /readyz)" = 200 ] && { ready=1; break; }
    sleep 0.2
  done
  if [ -z "$ready" ]; then
    fail "GET /readyz never answered 200 within 60 s"
  else
    pass "GET /readyz is 200 (database created, migrated, answering)"
    if [ "$(stat -c %u "/proc/$pid")" = "$(if [ "$(id -u)" = 0 ]; then echo "${rt[uid]}"; else id -u; fi)" ]; then
      pass "the server runs as $run_as"
    else
      fail "the server runs as uid $(stat -c %u "/proc/$pid"), not $run_as"
    fi
    if grep -q "listening on http://0.0.0.0:$port" "$log"; then
      pass "PORT=$port makes it listen on 0.0.0.0:$port"
    else
      fail "the log has no 'listening on http://0.0.0.0:$port'"
    fi
    code=$(status / "$stage/home.html")
    if [ "$code" = 200 ]; then pass "GET / is 200"; else fail "GET / is $code"; fi
    code=$(status /healthz)
    if [ "$code" = 200 ]; then pass "GET /healthz is 200"; else fail "GET /healthz is $code"; fi

    # Every asset the page loads from /pkg/, which must include the WASM client.
    mapfile -t assets < <(grep -oE '/pkg/[A-Za-z0-9._-]+' "$stage/home.html" 2>/dev/null | LC_ALL=C sort -u)
    if printf '%s\n' "${assets[@]}" | grep -qx '/pkg/quire.wasm'; then
      pass "the home page loads /pkg/quire.wasm (${#assets[@]} /pkg/ assets)"
    else
      fail "the home page does not reference /pkg/quire.wasm (found: ${assets[*]:-none})"
    fi
    for asset in "${assets[@]}"; do
      code=$(status "$asset")
      if [ "$code" = 200 ]; then pass "GET $asset is 200"; else fail "GET $asset is $code"; fi
    done
    # Every file of the site, served byte for byte.
    served=0
    while IFS= read -r -d '' file; do
      rel=${file#"${rt[dest]}/site"}
      code=$(status "$rel" "$stage/fetched")
      if [ "$code" = 200 ] && cmp -s "$file" "$stage/fetched"; then
        served=$((served + 1))
      else
        fail "GET $rel is $code or differs from the file"
      fi
    done < <(find "${rt[dest]}/site" -type f -print0)
    [ "$served" -gt 0 ] && pass "every file of site/ is served unchanged ($served files)"
  fi

  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      fail "still running 30 s after SIGTERM"
      rc=1
    else
      rc=0
      wait "$pid" || rc=$?
      if [ "$rc" = 0 ]; then pass "SIGTERM stops it with exit code 0"; else fail "after SIGTERM it exited with code $rc"; fi
    fi
  else
    rc=0
    wait "$pid" || rc=$?
    fail "the server exited by itself (code $rc)"
  fi
  pid=""
  if [ "$failures" -gt 0 ]; then
    echo "--- server log (last 40 lines) ---"
    tail -n 40 "$log"
  fi
fi

echo
if [ "$failures" -gt 0 ]; then
  echo "check-deploy: $failures check(s) FAILED"
  exit 1
fi
echo "check-deploy: all checks passed"
