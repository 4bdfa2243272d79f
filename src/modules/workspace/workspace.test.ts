import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../platform/http/server.ts';
import { registerWorkspaceRoutes } from './workspace.routes.ts';

describe('workspace static files', () => {
  let app: App;
  let distDir: string;

  beforeAll(async () => {
    distDir = mkdtempSync(path.join(tmpdir(), 'unisono-web-'));
    mkdirSync(path.join(distDir, 'assets'));
    writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(distDir, 'assets', 'main-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(distDir, 'favicon.svg'), '<svg/>');
    app = Fastify() as unknown as App;
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ code: 'route_not_found' }));
    registerWorkspaceRoutes(app, { distDir });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(distDir, { recursive: true, force: true });
  });

  it('serves the app shell for client-side routes and assets with long caching', async () => {
    for (const url of ['/', '/inbox/mine', '/conversations/42?x=1', '/contacts']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.body).toContain('<div id="root">');
    }
    const asset = await app.inject({ url: '/assets/main-abc123.js' });
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/favicon.svg' })).headers['content-type']).toBe('image/svg+xml');
  });

  it('keeps unknown API paths, missing assets and path traversal out of the shell', async () => {
    expect((await app.inject({ url: '/api/v1/nope' })).json()).toEqual({ code: 'route_not_found' });
    expect((await app.inject({ url: '/api' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/gone-123.js' })).statusCode).toBe(404);
    const traversal = await app.inject({ url: '/..%2f..%2fetc%2fpasswd' });
    expect(traversal.body).not.toContain('root:');
  });

  it('explains how to build when the UI is missing', async () => {
    const bare = Fastify() as unknown as App;
    registerWorkspaceRoutes(bare, { distDir: path.join(distDir, 'missing') });
    const response = await bare.inject({ url: '/' });
    expect(response.body).toContain('npm run build');
    await bare.close();
  });
});
