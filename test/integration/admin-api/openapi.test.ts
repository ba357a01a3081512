// The OpenAPI document and the docs page, as a client of the running admin API sees them: every route of the
// table is described with its access rule and schemas, and Swagger UI loads from our own server.
import { expect } from 'chai';
import type { RouteSpec } from '../../../admin-api/http/routes';
import { startTestApi, type TestApi } from '../../support/admin-api';

interface Operation {
  operationId: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  'x-required-permission'?: string;
}

interface Document {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
}

// Written out here rather than imported, so a wrong conversion in the builder cannot agree with itself.
function templated(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

function label(route: RouteSpec): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

describe('admin API OpenAPI document and docs page', () => {
  let api: TestApi;
  let document: Document;

  function operationOf(route: RouteSpec): Operation {
    const operation = document.paths[templated(route.path)]?.[route.method];
    expect(operation, `${label(route)} is in the document`).to.be.an('object');
    return operation as Operation;
  }

  before(async () => {
    api = await startTestApi();
    const response = await api.client.get<Document>('/openapi.json');
    expect(response.status).to.equal(200);
    document = response.body;
  });

  after(async () => {
    await api?.close();
  });

  it('given the running API, when /openapi.json is fetched without a token, then it is an OpenAPI 3.1.0 JSON document', async () => {
    const response = await api.client.get<Document>('/openapi.json');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(response.body.openapi).to.equal('3.1.0');
    expect(response.body.info.version).to.match(/^\d+\.\d+\.\d+/);
    expect(response.body.components.securitySchemes.bearerAuth).to.deep.equal({
      type: 'http', scheme: 'bearer', description: 'A session token from POST /v1/auth/login, or an API key from POST /v1/me/api-keys',
    });
  });

  it('given the route table, when the document is read, then it has exactly one operation per route plus /health', () => {
    expect(api.routes.length).to.be.greaterThan(10);
    const described = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    const expected = [...api.routes.map((route) => `${route.method.toUpperCase()} ${templated(route.path)}`), 'GET /health'];
    expect(described).to.have.members(expected);
    expect(document.paths['/health']?.get?.security).to.deep.equal([]);
  });

  it('given every route, when its operation is read, then the security and required permission match its access rule', () => {
    for (const route of api.routes) {
      const operation = operationOf(route);
      const expectedSecurity = route.access.kind === 'public' ? [] : [{ bearerAuth: [] }];
      expect(operation.security, `security of ${label(route)}`).to.deep.equal(expectedSecurity);
      const permission = route.access.kind === 'account' ? route.access.permission : undefined;
      expect(operation['x-required-permission'], `permission of ${label(route)}`).to.equal(permission);
      expect(operation.tags, `tags of ${label(route)}`).to.deep.equal([route.tag]);
    }
  });

  it('given every route, when its operation is read, then the request body schema is the one the route validates with', () => {
    for (const route of api.routes) {
      const operation = operationOf(route);
      if (!route.body) {
        expect(operation.requestBody, `${label(route)} takes no body`).to.equal(undefined);
        continue;
      }
      // The document is JSON: schema builders' non-JSON markers (TypeBox's symbols) are not part of it.
      expect(operation.requestBody?.content['application/json']?.schema, `body of ${label(route)}`).to.deep.equal(JSON.parse(JSON.stringify(route.body)));
      expect(Boolean(operation.requestBody?.content['text/csv']), `CSV of ${label(route)}`).to.equal(Boolean(route.acceptsCsv));
    }
  });

  it('given every route, when its parameters are read, then each path parameter and query field is declared', () => {
    for (const route of api.routes) {
      const parameters = operationOf(route).parameters ?? [];
      const pathNames = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
      expect(parameters.filter((p) => p.in === 'path').map((p) => p.name), `path parameters of ${label(route)}`).to.deep.equal(pathNames);
      for (const parameter of parameters.filter((p) => p.in === 'path')) {
        expect(parameter.required).to.equal(true);
        if (parameter.name.endsWith('Id')) expect(parameter.schema, `${parameter.name} of ${label(route)}`).to.deep.equal({ type: 'string', pattern: '^[1-9][0-9]*$' });
      }
      const queryNames = Object.keys((route.query as { properties?: object } | undefined)?.properties ?? {});
      expect(parameters.filter((p) => p.in === 'query').map((p) => p.name), `query of ${label(route)}`).to.deep.equal(queryNames);
    }
  });

  it('given every route, when its responses are read, then the success status and the errors it can answer are listed', () => {
    const error = { $ref: '#/components/schemas/Error' };
    expect(document.components.schemas.Error).to.be.an('object');
    for (const route of api.routes) {
      const responses = operationOf(route).responses;
      const success = route.successStatus ?? 200;
      expect(responses, `responses of ${label(route)}`).to.have.property(String(success));
      expect(Boolean(responses[success]?.content), `content of ${success} on ${label(route)}`).to.equal(success !== 204);
      const errors = [
        ...(route.body || route.query ? ['400'] : []),
        ...(route.access.kind !== 'public' ? ['401', '403'] : []),
        ...(route.access.kind === 'account' ? ['404'] : []),
        ...(route.method === 'post' && route.path === '/v1/auth/login' ? ['429'] : []),
      ];
      expect(Object.keys(responses).filter((status) => status !== String(success)), `errors of ${label(route)}`).to.have.members(errors);
      for (const status of errors) expect(responses[status]?.content?.['application/json']?.schema).to.deep.equal(error);
    }
  });

  it('given the docs page, when it is loaded, then it is HTML pointing at /openapi.json and at Swagger UI served by us', async () => {
    const page = await fetch(`${api.client.base}/docs`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const html = await page.text();
    expect(html).to.include("url: '/openapi.json'");
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts).to.deep.equal(['/docs/assets/swagger-ui-bundle.js']);
    expect(html).not.to.match(/https?:\/\//);

    const bundle = await fetch(`${api.client.base}${scripts[0]}`);
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get('content-type')).to.match(/javascript/);
    expect(await bundle.text()).to.include('SwaggerUIBundle');
    const stylesheet = await fetch(`${api.client.base}/docs/assets/swagger-ui.css`);
    expect(stylesheet.status).to.equal(200);
  });
});
