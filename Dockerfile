# Build the single executable, then ship it alone on a slim base.
FROM oven/bun:1.4.5 AS build
WORKDIR /app
COPY package.json bun.lock bunfig.toml tsconfig.json ./
RUN bun install --frozen-lockfile
COPY . .
RUN bun run build

FROM debian:bookworm-slim
RUN useradd --system --home /data aurea && mkdir -p /data && chown aurea /data
COPY --from=build /app/aurea /usr/local/bin/aurea
USER aurea
WORKDIR /data
ENV AUREA_DATA_DIR=/data/aurea-data
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["aurea"]
CMD ["serve"]
