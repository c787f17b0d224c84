# Build stage: the whole toolchain, compiles src/ to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies, the compiled JavaScript and the migrations; no TypeScript,
# no dev tools. Files belong to root and are read-only for the `node` user that runs the bot.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY drizzle ./drizzle
COPY --from=build /app/dist ./dist
# PGlite's data directory (DATA_DIR=./data) when no DATABASE_URL is set: mount a volume here to keep it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# SIGTERM starts the graceful shutdown: the scheduler stops, commands under way finish and answer,
# the adapters and the outbox dispatcher stop, then the database closes.
STOPSIGNAL SIGTERM
# Slim images have no curl: node asks /healthz itself (200 while the platform connections and the
# database are up, 503 otherwise).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
