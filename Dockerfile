# The application image: ari-app, admin-api, worker, migrations and the Asterisk config renderer, compiled.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# TypeScript into dist/, and the web phone bundled into dist/web-phone/ (esbuild and JsSIP: dev dependencies).
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
# The compiled tree, with the web phone's page and bundle at /app/web-phone/.
COPY --from=build /app/dist ./
# The renderer reads its templates beside itself.
COPY asterisk-config/asterisk ./asterisk-config/asterisk
COPY asterisk-config/odbc ./asterisk-config/odbc
COPY asterisk-config/trunks ./asterisk-config/trunks
USER node
CMD ["node", "ari-app/main.js"]
