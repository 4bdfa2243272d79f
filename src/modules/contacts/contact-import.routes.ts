import { Readable } from 'node:stream';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DomainError } from '../../platform/errors.ts';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { decodeCsv } from './contact-csv.ts';
import type { ContactExportService } from './contact-export.service.ts';
import { ContactExportQuery, ContactImportQuery, ContactImportResult } from './contact-import.schema.ts';
import type { ContactImportService } from './contact-import.service.ts';

/** What browsers and tools send for a .csv file (Windows browsers say application/vnd.ms-excel). */
const CSV_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
]);

export function registerContactImportRoutes(
  app: App,
  imports: ContactImportService,
  exports: ContactExportService,
) {
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // The body is the file itself: read as bytes, decoded (UTF-8/UTF-16/Windows-1252) by the handler.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post(
      '/api/v1/contacts/import',
      {
        config: requireRole('supervisor'),
        schema: {
          tags: ['contacts'],
          summary: 'Import contacts from CSV (idempotent; dryRun=true reports without writing)',
          description:
            'Send the file as the request body with `Content-Type: text/csv`. The header row names the ' +
            'columns (case-insensitive, German aliases accepted): `name`, `email`, `phone`, `whatsapp`, ' +
            '`telegram`, `crm_id`, `external_id`, `language`, `timezone`, `attr.<key>`; `id` matches an exported ' +
            'contact. A row matching an existing contact by id or any identity updates it; a row whose ' +
            'identities belong to two contacts fails as ambiguous. Every row is reported.',
          querystring: ContactImportQuery,
          response: { 200: ContactImportResult },
        },
      },
      async (request) => {
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!CSV_TYPES.has(type) || !Buffer.isBuffer(request.body)) {
          throw new DomainError(
            'unsupported_media_type',
            'Send the CSV file as the body with Content-Type: text/csv',
          );
        }
        return imports.importCsv(request.actor, decodeCsv(request.body), { dryRun: request.query.dryRun });
      },
    );
  });

  app.get(
    '/api/v1/contacts/export.csv',
    {
      config: requireRole('supervisor'),
      schema: {
        tags: ['contacts'],
        summary: 'All contacts with identities and custom attributes as CSV (streamed)',
        description: 'The file can be imported again unchanged: every row then reports `unchanged`.',
        querystring: ContactExportQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const excel = request.query.format === 'excel';
      const date = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="contacts-${date}.csv"`)
        .header('cache-control', 'no-store')
        .send(
          Readable.from(exports.csv(request.actor.tenantId, { delimiter: excel ? ';' : ',', bom: excel })),
        );
    },
  );
}
