# Speaking Bots server image. Build: docker build -t speaking-bots .
# Run:   docker run -p 7014:7014 --env-file .env speaking-bots

FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
# The embedded engines: PocketSphinx (speech-to-text) and flite (text-to-speech).
RUN apt-get update \
 && apt-get install -y --no-install-recommends pocketsphinx pocketsphinx-en-us libpocketsphinx3 flite libflite1 espeak-ng tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=7014 DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY personas ./personas
COPY models ./models
COPY web ./web
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 7014
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||7014)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["tini", "--"]
# SIGTERM from `docker stop` makes every bot leave its meeting before the process exits.
CMD ["node", "bin/speaking-bots.js", "serve"]
