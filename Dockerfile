# The `accord` image: one binary that runs any subset of the services (`--services`).
#
# Stage `web` builds the web client with Node.js 20 (Debian's is too old for Vite); stage
# `build` compiles the binary, embedding that client (ACCORD_WEB_DIST), with cargo's registry
# and target directories in BuildKit cache mounts, so a rebuild only recompiles what changed;
# stage `runtime` is slim Debian with the binary, CA certificates, curl for container health
# checks, and an unprivileged user.
#
#   docker build -t accord:0.1.0 .
#   docker run --rm -p 8080:8080 -v accord-data:/var/lib/accord accord:0.1.0
#
# Needs BuildKit (the default builder since Docker 23) for the `RUN --mount` cache mounts.

ARG RUST_VERSION=1.95
ARG NODE_VERSION=20
ARG DEBIAN_RELEASE=bookworm

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS build
WORKDIR /src
COPY . .
COPY --from=web /web/dist /web-dist
ENV ACCORD_WEB_DIST=/web-dist
# The target directory is a cache mount and so is not part of the layer: copy the binary out.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p accord \
    && install -D -m 0755 target/release/accord /out/accord

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# Debian's stable packages take security fixes within one version, so they are not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 accord \
    && useradd --system --uid 10001 --gid accord --home-dir /var/lib/accord \
        --no-create-home --shell /usr/sbin/nologin accord \
    && install -d -o accord -g accord -m 0750 /var/lib/accord
COPY --from=build /out/accord /usr/local/bin/accord

# Listen on every interface (the binary's own default is loopback only) and keep the data
# directory (SQLite database, generated signing key) in the volume below.
ENV ACCORD_LISTEN=0.0.0.0:8080 \
    ACCORD_DATA_DIR=/var/lib/accord
WORKDIR /var/lib/accord
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8080
VOLUME ["/var/lib/accord"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["accord"]
CMD ["serve"]
