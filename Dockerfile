# The application image: ari-app, admin-api, worker, migrations and the Asterisk config renderer, compiled.
FROM node:20-bookworm-slim AS build
# argon2's prebuilt binary asks for N-API 10, which Node 20 lacks (it crashes on load): its install script then
# compiles it, which needs these. Only this stage has them; the image gets the compiled package.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# TypeScript into dist/, and the web phone bundled into dist/web-phone/ (esbuild and JsSIP: dev dependencies).
RUN npm run build
# What runs in production only: no esbuild, JsSIP, TypeScript or test tools.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
# The compiled tree, with the web phone's page and bundle at /app/web-phone/.
COPY --from=build /app/dist ./
# The renderer reads its templates beside itself.
COPY asterisk-config/asterisk ./asterisk-config/asterisk
COPY asterisk-config/odbc ./asterisk-config/odbc
COPY asterisk-config/trunks ./asterisk-config/trunks
USER node
CMD ["node", "ari-app/main.js"]
