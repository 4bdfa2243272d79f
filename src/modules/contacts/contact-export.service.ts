import type { Platform } from '../../platform/context.ts';
import { type CsvDelimiter, csvLine } from './contact-csv.ts';
import { EXPORT_IDENTITY_COLUMNS } from './contact-csv-columns.ts';
import * as repository from './contact-import.repository.ts';
import { attributeText } from './contact-import.service.ts';

const PAGE_SIZE = 500;
/** Kinds that get a column even when no contact has one, so files from every tenant look alike. */
const ALWAYS = new Set(['email', 'phone', 'whatsapp', 'telegram', 'api', 'crm']);

export interface ExportOptions {
  delimiter: CsvDelimiter;
  /** A UTF-8 byte order mark, which spreadsheet programs need to read umlauts correctly. */
  bom: boolean;
}

/** Streams every live contact with identities and custom attributes as CSV that the import reads back. */
export class ContactExportService {
  constructor(private readonly platform: Platform) {}

  async *csv(tenantId: string, options: ExportOptions): AsyncGenerator<string> {
    const { db } = this.platform.database;
    const [counts, attributeKeys] = await Promise.all([
      repository.identityColumnCounts(db, tenantId),
      repository.attributeKeys(db, tenantId),
    ]);
    const identityColumns = EXPORT_IDENTITY_COLUMNS.flatMap(([kind, name]) => {
      const count = Math.max(counts.get(kind) ?? 0, ALWAYS.has(kind) ? 1 : 0);
      return Array.from({ length: count }, (_, index) => ({
        kind,
        index,
        header: index === 0 ? name : `${name}_${index + 1}`,
      }));
    });
    const header = [
      'id',
      'name',
      ...identityColumns.map((column) => column.header),
      'language',
      'timezone',
      ...attributeKeys.map((key) => `attr.${key}`),
      'created_at',
      'updated_at',
    ];
    yield `${options.bom ? '\uFEFF' : ''}${csvLine(header, options.delimiter)}`;
    let after: string | undefined;
    for (;;) {
      const page = await repository.exportPage(db, tenantId, after, PAGE_SIZE);
      if (page.length === 0) return;
      let chunk = '';
      for (const { contact, identities } of page) {
        const byKind = (kind: string) => identities.filter((identity) => identity.kind === kind);
        chunk += csvLine(
          [
            contact.id,
            contact.name,
            ...identityColumns.map((column) => byKind(column.kind)[column.index]?.displayValue),
            contact.language,
            contact.timeZone,
            ...attributeKeys.map((key) => attributeText(contact.customAttributes[key])),
            contact.createdAt.toISOString(),
            contact.updatedAt.toISOString(),
          ],
          options.delimiter,
        );
      }
      yield chunk;
      after = page.at(-1)!.contact.id;
      if (page.length < PAGE_SIZE) return;
    }
  }
}
