import { existsSync, type Stats, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { publicRoute } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';

const DEFAULT_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

// The workspace never needs inline scripts or foreign origins; email HTML renders in a sandboxed srcdoc frame.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "connect-src 'self' ws: wss:",
  "frame-src 'self' blob: data: about:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unisono</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Unisono</h1><p>The agent workspace has not been built yet. Run <code>npm run build</code> and reload.</p>
<p>The API and its reference are available at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

export interface WorkspaceOptions {
  /** Directory of the built web UI (`vite build` output); defaults to `web/dist` of this checkout. */
  distDir?: string;
}

/**
 * Serves the built agent workspace: hashed assets with long caching, and `index.html` for every other
 * non-API path so the single-page app can route on the client. Unknown `/api/*` paths keep the JSON 404.
 */
export function registerWorkspaceRoutes(app: App, options: WorkspaceOptions = {}) {
  const distDir = path.resolve(options.distDir ?? DEFAULT_DIST);

  const sendFile = async (reply: FastifyReply, file: string, stats: Stats) => {
    const extension = path.extname(file);
    const immutable = file.startsWith(path.join(distDir, 'assets') + path.sep);
    return reply
      .header('content-type', CONTENT_TYPES[extension] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('last-modified', stats.mtime.toUTCString())
      .header('x-content-type-options', 'nosniff')
      .send(await readFile(file));
  };

  const sendIndex = async (reply: FastifyReply) => {
    const index = path.join(distDir, 'index.html');
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-frame-options', 'DENY');
    if (!existsSync(index)) return reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return sendFile(reply, index, statSync(index));
  };

  app.get('/', { config: publicRoute(), schema: { hide: true } }, async (_request, reply) =>
    sendIndex(reply),
  );

  app.get('/*', { config: publicRoute(), schema: { hide: true } }, async (request, reply) => {
    const urlPath = decodeURIComponentSafe(request.url.split('?')[0] ?? '/');
    if (urlPath === '/api' || urlPath.startsWith('/api/')) return reply.callNotFound();
    const file = path.resolve(distDir, `.${path.posix.normalize(urlPath)}`);
    if (file.startsWith(distDir + path.sep)) {
      const stats = statIfExists(file);
      if (stats?.isFile()) return sendFile(reply, file, stats);
    }
    // A missing hashed asset is a real 404 (an old tab after a deploy), not the app shell.
    if (urlPath.startsWith('/assets/')) return reply.callNotFound();
    return sendIndex(reply);
  });
}

function statIfExists(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
