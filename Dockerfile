# syntax=docker/dockerfile:1
# Multi-stage: compile TypeScript with dev dependencies, then run with production dependencies only, as non-root.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# .npmrc and .puppeteerrc.cjs keep install scripts from downloading anything (browsers, CUDA providers).
COPY package.json package-lock.json .npmrc .puppeteerrc.cjs ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim AS runtime
# Debian's Chromium and fonts for the whatsapp-web.js channel (WHATSAPP_WEB=on); puppeteer never downloads a browser.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation fonts-noto-color-emoji ca-certificates \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    TZ=Africa/Johannesburg
WORKDIR /app
COPY package.json package-lock.json .npmrc .puppeteerrc.cjs ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY src/channels/webchat/public ./src/channels/webchat/public
COPY locales ./locales
COPY content ./content
# Build the bundled embedding model and embed the content now, so a container answers its first question at once.
ENV CACHE_DIR=/app/cache
RUN DATA_DIR=/tmp/warm node dist/cli/main.js search "warm up" >/dev/null && rm -rf /tmp/warm \
    && mkdir -p /data && chown -R node:node /data /app/cache && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
