# Errand's API, worker, migrations and CLI as compiled JavaScript, run by plain node.
# Build: docker build -t errand .   Run: docker run errand (the API); the worker is
# `node dist/worker.js`, migrations `node dist/migrate.js`, the CLI `node dist/errand.js`.
# Not built on the project's machines (no Docker engine there); test/unit/dockerfile.test.ts
# holds it to what `npm run build` writes, and test/integration/production-build.test.ts runs
# those files under plain node.

# 1. Compile: every dependency, then `npm run build` (esbuild and the Temporal SDK's bundler).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# 2. Run: the compiled files and the production dependencies only, as an unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Liveness only; readiness (Postgres and Temporal) is /readyz, for load balancers.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains: the API stops taking requests and finishes those in flight, the worker its
# running steps, each within ERRAND_SHUTDOWN_GRACE_MS.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
