import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { domainErrorForDatabase, sqlStateOf } from '../db/database-errors.ts';
import { DomainError, type FieldError, problemFor } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { type ActorResolver, authHook } from './auth.ts';
import { findUnsafeText, invalidInput, JSON_LIMITS, jsonShapeProblem } from './input-guard.ts';

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

export interface RouteEntry {
  method: string;
  url: string;
  auth: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route with its auth decision, for the route-table test and docs. */
    routeTable: RouteEntry[];
  }
}

export interface ServerOptions {
  logger: Logger;
  metrics: Metrics;
  bodyLimit: number;
  resolveActor: ActorResolver;
  version: string;
  /** Proxies whose forwarding headers are believed (IP or CIDR); empty: the socket's peer is the client. */
  trustedProxies: string[];
}

export async function createHttpServer(options: ServerOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    },
    // One line per request is written by the onResponse hook below, with the fields we want.
    logController: new LogController({ disableRequestLogging: true }),
    // X-Forwarded-* from anyone else would let a client pick its own address (and dodge rate limits).
    trustProxy: options.trustedProxies.length > 0 ? options.trustedProxies : false,
    routerOptions: { ignoreTrailingSlash: true },
    // Undecodable or oversized path segments are refused by the router before any hook: answer them as problems too.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const problem = problemFor(
        new DomainError('validation_failed', `The request path is not valid: ${error.message}`, {
          errors: [{ field: 'params', message: 'is not a valid path segment' }],
        }),
        request.url,
        request.id,
      );
      reply.code(problem.status).type('application/problem+json').send(problem);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerInputGuards(app);

  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  // Documentation routes are registered by plugins; they are public by decision, made here.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config as object), auth: 'public' };
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routeTable.push({
        method,
        url: route.url,
        auth: (route.config as { auth?: unknown } | undefined)?.auth,
      });
    }
  });

  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Unisono API',
        version: options.version,
        description: 'Omnichannel customer service: conversations, contacts, channels and realtime events.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (`unisono token create`)' },
          session: { type: 'apiKey', in: 'cookie', name: 'unisono_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onRequest', authHook(options.resolveActor));
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== '/healthz' && route !== '/metrics') {
      request.log.info(
        {
          reqId: request.id,
          method: request.method,
          route: route ?? request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    options.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new DomainError(
      'route_not_found',
      `No route ${request.method} ${request.url.split('?')[0]}`,
    );
    reply
      .code(404)
      .type('application/problem+json')
      .send(problemFor(error, request.url, request.id));
  });

  app.setErrorHandler((error: FastifyError & { validation?: any[] }, request, reply) => {
    const domainError = toDomainError(error);
    if (domainError && sqlStateOf(error)) {
      // Input the validators let through and the database refused: answered as a 4xx, kept visible as a gap.
      request.log.warn(
        { err: error, reqId: request.id, sqlState: sqlStateOf(error) },
        'database refused input',
      );
    }
    if (!domainError) {
      request.log.error({ err: error, reqId: request.id }, 'unhandled error');
      return reply
        .code(500)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: 'internal error',
          status: 500,
          code: 'internal_error',
          detail: `Something went wrong on our side. Quote request id ${request.id} when reporting it.`,
          requestId: request.id,
        });
    }
    const problem = problemFor(domainError, request.url, request.id);
    if (domainError.details?.retryAfterSeconds)
      reply.header('retry-after', domainError.details.retryAfterSeconds);
    return reply.code(problem.status).type('application/problem+json').send(problem);
  });

  app.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  return app;
}

/**
 * One gate for every route's input: JSON bodies are bounded in depth and size before they are parsed, and no string
 * in body, query or path may carry what PostgreSQL text cannot store (NUL, unpaired surrogates). Raw-body routes
 * (webhooks, CSV import) parse their own bodies and apply the same rules there (`parseGuardedJson`).
 */
function registerInputGuards(app: App) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const problem = jsonShapeProblem(body as string, JSON_LIMITS, 'body');
    if (problem) return done(invalidInput(problem, 'body'), undefined);
    parseJson(request, body as string, done);
  });
  app.addHook('preValidation', async (request) => {
    const problem =
      findUnsafeText(request.params, 'params') ??
      findUnsafeText(request.query, 'querystring') ??
      (Buffer.isBuffer(request.body) ? undefined : findUnsafeText(request.body, 'body'));
    if (problem) throw invalidInput(problem);
  });
  // After validation, so keys the schema strips or leaves undefined do not count as a change.
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'PATCH' || !isPlainObject(request.body)) return;
    if (Object.values(request.body).every((value) => value === undefined)) {
      throw invalidInput({ field: 'body', message: 'must change at least one field' });
    }
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function toDomainError(error: FastifyError & { validation?: any[] }): DomainError | undefined {
  if (error instanceof DomainError) return error;
  const fromDatabase = domainErrorForDatabase(error);
  if (fromDatabase) return fromDatabase;
  if (error.validation) {
    const errors: FieldError[] = error.validation.map((issue: any) => ({
      field: fieldName(error.validationContext, issue),
      message: issue.message ?? 'is invalid',
    }));
    return new DomainError(
      'validation_failed',
      `Invalid ${error.validationContext ?? 'request'}: ${errors.map((entry) => `${entry.field} ${entry.message}`).join('; ')}`,
      { errors },
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError('payload_too_large', 'The request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError('unsupported_media_type', 'Send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError('malformed_json', 'The JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new DomainError('malformed_json', `The body is not valid JSON: ${error.message}`);
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new DomainError('malformed_json', `The body could not be read: ${error.message}`);
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new DomainError('validation_failed', error.message);
  }
  return undefined;
}

function fieldName(context: string | undefined, issue: any): string {
  const path: (string | number)[] = issue.params?.issue?.path ?? issue.path ?? [];
  const fromPointer =
    typeof issue.instancePath === 'string' ? issue.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
  const name = path.length > 0 ? path.join('.') : fromPointer;
  return [context, name].filter(Boolean).join('.') || (context ?? 'request');
}
