# Quire's production image: `docker build -t quire .`, then
# `docker run -p 8080:8080 -e DATABASE_URL=postgres://… quire` (see docs/deploy.md).
#
# The build runs the same two scripts as CI (scripts/test.sh): scripts/install-tools.sh, then
# scripts/build-release.sh, whose runtime folder (the `quire` binary and its site/) is all the
# final image holds. CI has no Docker engine: hadolint (settings in .hadolint.yaml) and
# `cargo test -p quire --test integration deploy_files` check this file, and
# scripts/check-deploy.sh runs that folder the way this image does.

# --- Build stage: the Rust toolchain of Cargo.toml's rust-version, on Debian 12 -------------
FROM rust:1.95-bookworm AS builder

# Node.js and npm run the npm builds of wasm-opt (binaryen) and esbuild; scripts/install-tools.sh
# gets the crate it builds from source (wasm-bindgen-cli) through cargo.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# The build tools first, from only the files the install script reads, so this layer
# (wasm-bindgen-cli compiled from source: ~2 minutes on 2 cores) is reused by every build
# until the script or one of these lock files changes.
COPY scripts/install-tools.sh scripts/
COPY Cargo.lock package.json package-lock.json ./
RUN scripts/install-tools.sh

# The release build: the server binary and the WASM client, assembled in /dist.
COPY . .
RUN scripts/build-release.sh /dist

# --- Runtime stage: Debian 12 (the builder's glibc), the binary, its site, no tools ----------
FROM debian:bookworm-slim

# CA certificates for TLS to PostgreSQL and SMTP servers; nothing else is needed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged user. Its home is the working directory: with no DATABASE_URL the
# blog keeps its SQLite file in ./data there (mount a volume on /var/lib/quire to keep it).
RUN groupadd --gid 10001 quire \
    && useradd --uid 10001 --gid 10001 --home-dir /var/lib/quire --create-home \
        --shell /usr/sbin/nologin quire

# Owned by root and read-only for the blog's user.
COPY --from=builder /dist/ /opt/quire/

# Listens on 0.0.0.0:8080, or on 0.0.0.0:$PORT when the host sets PORT (Render does).
# No secret is baked in: DATABASE_URL and the rest come from the environment at run time.
ENV PATH="/opt/quire:${PATH}" \
    LEPTOS_SITE_ROOT=/opt/quire/site \
    LEPTOS_SITE_ADDR=0.0.0.0:8080 \
    RUST_LOG=info

WORKDIR /var/lib/quire
USER 10001:10001
EXPOSE 8080

# No HEALTHCHECK: the slim image has no HTTP client. Hosts probe GET /readyz (200 when the
# database answers and is migrated) or /healthz themselves; render.yaml sets /readyz.
# SIGTERM (docker stop) finishes open requests and exits 0.
CMD ["quire"]
