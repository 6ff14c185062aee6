# syntax=docker/dockerfile:1
# One image for api, worker and web; docker-compose.yml picks the command per service.

FROM node:20-bookworm-slim AS base
WORKDIR /app
# Only the manifests, so the dependency layers survive source-only changes.
COPY package.json package-lock.json ./
COPY backend/package.json backend/
COPY frontend/package.json frontend/

FROM base AS deps
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build

FROM base AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Root and per-workspace node_modules (npm nests a workspace's copy when versions differ).
COPY --from=prod-deps /app ./
COPY --from=build /app/backend/dist backend/dist
COPY --from=build /app/frontend/build frontend/build
COPY frontend/server.js frontend/
USER node
EXPOSE 3000 5173
CMD ["node", "backend/dist/main.js"]
