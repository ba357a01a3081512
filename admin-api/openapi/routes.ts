// GET /openapi.json and GET /docs: the document built once from the route table, and Swagger UI served from
// the installed swagger-ui-dist (never a CDN: the admin API may run where there is no internet).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';
import type { RouteSpec } from '../http/routes';
import { buildOpenApiDocument } from './document';

const ASSETS_PATH = '/docs/assets';
// Only what the page loads: the package also holds a demo initializer pointing at the public petstore.
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

// Inline so that the compiled image needs no extra file beside the JavaScript.
const DOCS_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>PBX control plane admin API</title>
    <link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
    <script>
      window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, showExtensions: true, persistAuthorization: true });
    </script>
  </body>
</html>
`;

// The repository root in development and /app in the image both hold package.json two levels up.
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}

export function openApiRouter(routes: RouteSpec[], info: { version: string } = { version: packageVersion() }): Router {
  const document = buildOpenApiDocument(routes, info);
  const assetsDir = getAbsoluteFSPath();
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  for (const asset of ASSETS) {
    router.get(`${ASSETS_PATH}/${asset}`, (_req, res) => {
      res.sendFile(path.join(assetsDir, asset));
    });
  }
  return router;
}
