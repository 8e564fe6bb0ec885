# Build the single executable, then ship it alone on a slim base.
# The executable links only glibc (libc, libpthread, libdl, libm; symbols up to
# GLIBC_2.17), which bookworm-slim has; see docs/operations.md, "The container image".
FROM oven/bun:1.4.5 AS build
WORKDIR /app
COPY package.json bun.lock bunfig.toml tsconfig.json ./
RUN bun install --frozen-lockfile
# .dockerignore keeps the host's node_modules, builds and data out of this copy.
COPY . .
# The SDK, the embedded-migration check, then `bun build --compile` with the thread entries.
RUN bun run build && ./aurea version

FROM debian:bookworm-slim
RUN useradd --system --home /data aurea && mkdir -p /data && chown aurea /data
COPY --from=build /app/aurea /usr/local/bin/aurea
USER aurea
WORKDIR /data
ENV AUREA_DATA_DIR=/data/aurea-data
EXPOSE 8080
VOLUME /data
# SIGTERM stops accepting, finishes the work in hand and exits within 30 s:
# give `docker stop` longer than that (docker stop -t 45, or stop_grace_period: 45s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["aurea"]
CMD ["serve"]
