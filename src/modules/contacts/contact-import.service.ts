import type { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import { DomainError, type FieldError } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import type { ContactRow, IdentityRow } from './contact.presenter.ts';
import type { ContactService } from './contact.service.ts';
import { CsvError, type CsvTable, isBlank, parseCsv } from './contact-csv.ts';
import { mapHeader, readRow } from './contact-csv-columns.ts';
import * as repository from './contact-import.repository.ts';
import type { ContactImportResult, ImportRowResult } from './contact-import.schema.ts';
import { type PreparedRow, prepareRow, type RowIdentity } from './contact-import-row.ts';
import { CreateContactBody, UpdateContactBody } from './contacts.schema.ts';

const CHUNK_SIZE = 250;

/** A contact as this import knows it: loaded from the database, or planned by an earlier row. */
interface Snapshot {
  id: string;
  plannedByRow?: number;
  name: string | null;
  language: string | null;
  timeZone: string | null;
  attributes: Record<string, unknown>;
  identityKeys: Set<string>;
}

interface ImportRun {
  dryRun: boolean;
  /** identity key (`kind:value`) → owning contact id, or null when free. */
  owners: Map<string, string | null>;
  snapshots: Map<string, Snapshot>;
  missing: Set<string>;
}

export interface ImportOptions {
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * CSV import of contacts. A row matches an existing contact by its id or any of its identities
 * (normalised like every other identity) and updates it; a row whose identities belong to two
 * contacts is an error, never a merge. Re-running the same file changes nothing.
 */
export class ContactImportService {
  constructor(
    private readonly platform: Platform,
    private readonly contacts: ContactService,
    private readonly tenants: TenantService,
  ) {}

  async importCsv(actor: Actor, text: string, options: ImportOptions = {}): Promise<ContactImportResult> {
    const table = parse(text);
    const { columns, warnings } = mapHeader(table.header);
    if (!columns.some((column) => column.column.type !== 'ignored')) {
      throw new DomainError(
        'validation_failed',
        'The header row names no known column; expected e.g. name, email, phone, external_id or attr.<key>',
        { errors: [{ field: 'body.header', message: 'names no known column' }] },
      );
    }
    const records = table.records.filter((record) => !isBlank(record));
    const tenant = await this.tenants.cached(actor.tenantId);
    const run: ImportRun = {
      dryRun: options.dryRun ?? false,
      owners: new Map(),
      snapshots: new Map(),
      missing: new Set(),
    };
    const rows: ImportRowResult[] = [];
    options.onProgress?.(0, records.length);
    for (let start = 0; start < records.length; start += CHUNK_SIZE) {
      const prepared = records
        .slice(start, start + CHUNK_SIZE)
        .map((record) => prepareRow(record.row, readRow(columns, record.fields), tenant.defaultCountry));
      await this.load(actor.tenantId, prepared, run);
      for (const row of prepared) {
        rows.push(await this.processRow(actor, row, run));
        options.onProgress?.(rows.length, records.length);
      }
    }
    const count = (outcome: ImportRowResult['outcome']) =>
      rows.filter((row) => row.outcome === outcome).length;
    return {
      dryRun: run.dryRun,
      delimiter: table.delimiter,
      total: rows.length,
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      failed: count('error'),
      warnings,
      rows,
    };
  }

  /** Loads who owns the chunk's identities and the contacts they point to, in two queries. */
  private async load(tenantId: string, prepared: PreparedRow[], run: ImportRun): Promise<void> {
    const { db } = this.platform.database;
    const unknown = prepared
      .flatMap((row) => row.identities)
      .filter((identity) => !run.owners.has(identity.key));
    const owners = await repository.identityOwners(db, tenantId, [
      ...new Set(unknown.map((identity) => identity.value)),
    ]);
    for (const identity of unknown) run.owners.set(identity.key, null);
    for (const owner of owners) {
      const key = `${owner.kind}:${owner.value}`;
      if (run.owners.has(key)) run.owners.set(key, owner.contactId);
    }
    const wanted = new Set<string>();
    for (const row of prepared) {
      if (row.id) wanted.add(row.id);
      for (const identity of row.identities) {
        const owner = run.owners.get(identity.key);
        if (owner) wanted.add(owner);
      }
    }
    const ids = [...wanted].filter((id) => !run.snapshots.has(id) && !run.missing.has(id));
    const loaded = await repository.contactsWithIdentities(db, tenantId, ids);
    for (const entry of loaded) run.snapshots.set(entry.contact.id, snapshotOf(entry));
    for (const id of ids) if (!run.snapshots.has(id)) run.missing.add(id);
  }

  private async processRow(actor: Actor, row: PreparedRow, run: ImportRun): Promise<ImportRowResult> {
    if (row.errors.length > 0) return failed(row, row.errors);
    const evidence: { contactId: string; label: string; column: string }[] = [];
    // An id from another installation is not an error: the identities still match.
    if (row.id && run.snapshots.has(row.id))
      evidence.push({ contactId: row.id, label: `id ${row.id}`, column: row.columns.id ?? 'id' });
    for (const identity of row.identities) {
      const owner = run.owners.get(identity.key);
      if (owner && run.snapshots.has(owner))
        evidence.push({
          contactId: owner,
          label: `${identity.column} ${identity.displayValue}`,
          column: identity.column,
        });
    }
    const first = evidence[0];
    const other = evidence.find((entry) => entry.contactId !== first?.contactId);
    if (first && other) {
      return failed(row, [
        {
          field: other.column,
          message:
            `ambiguous: ${other.label} belongs to ${describe(run, other.contactId)}, but ${first.label} ` +
            `to ${describe(run, first.contactId)}; merge the two contacts or correct the row`,
        },
      ]);
    }
    try {
      return first
        ? await this.update(actor, row, run.snapshots.get(first.contactId)!, run)
        : await this.create(actor, row, run);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const details = error.details?.errors?.map((detail) => ({
        field: columnOf(detail.field, row),
        message: detail.message,
      }));
      return failed(row, details?.length ? details : [{ field: 'row', message: error.message }]);
    }
  }

  private async create(actor: Actor, row: PreparedRow, run: ImportRun): Promise<ImportRowResult> {
    if (row.identities.length === 0) {
      return failed(row, [
        {
          field: 'row',
          message:
            'has no email, phone, crm_id or other identity to match on; without one every re-import would create it again',
        },
      ]);
    }
    const parsed = CreateContactBody.safeParse({
      ...(row.name !== undefined ? { name: row.name } : {}),
      ...(row.language !== undefined ? { language: row.language } : {}),
      ...(row.timeZone !== undefined ? { timeZone: row.timeZone } : {}),
      customAttributes: row.attributes,
      identities: row.identities.map((identity) => ({ kind: identity.kind, value: identity.raw })),
    });
    if (!parsed.success) return failed(row, fieldErrors(parsed.error, row));
    const changes = [...fieldChanges(row), ...row.identities.map(identityLabel)];
    if (run.dryRun) {
      remember(run, {
        id: `planned:${row.row}`,
        plannedByRow: row.row,
        name: row.name ?? null,
        language: row.language ?? null,
        timeZone: row.timeZone ?? null,
        attributes: { ...row.attributes },
        identityKeys: new Set(row.identities.map((identity) => identity.key)),
      });
      return { row: row.row, outcome: 'created', contactId: null, changes, errors: [] };
    }
    const created = await this.contacts.create(actor, parsed.data);
    remember(run, snapshotOf(created));
    return { row: row.row, outcome: 'created', contactId: created.contact.id, changes, errors: [] };
  }

  private async update(
    actor: Actor,
    row: PreparedRow,
    snapshot: Snapshot,
    run: ImportRun,
  ): Promise<ImportRowResult> {
    const patch: Record<string, unknown> = {};
    const changes: string[] = [];
    for (const field of ['name', 'language', 'timeZone'] as const) {
      const value = row[field];
      if (value !== undefined && value !== snapshot[field]) {
        patch[field] = value;
        changes.push(field);
      }
    }
    const changedAttributes = Object.entries(row.attributes).filter(
      ([key, value]) => attributeText(snapshot.attributes[key]) !== value,
    );
    if (changedAttributes.length > 0) {
      patch.customAttributes = { ...snapshot.attributes, ...Object.fromEntries(changedAttributes) };
      changes.push(...changedAttributes.map(([key]) => `attr.${key}`));
    }
    const added = row.identities.filter((identity) => !snapshot.identityKeys.has(identity.key));
    changes.push(...added.map(identityLabel));
    const contactId = snapshot.plannedByRow === undefined ? snapshot.id : null;
    if (changes.length === 0) return { row: row.row, outcome: 'unchanged', contactId, changes, errors: [] };
    const parsed = UpdateContactBody.safeParse(patch);
    if (!parsed.success) return failed(row, fieldErrors(parsed.error, row));
    if (!run.dryRun) {
      // One transaction per row: the service calls join it, so a row is applied completely or not at all.
      await this.platform.database.transaction(async () => {
        if (Object.keys(parsed.data).length > 0) await this.contacts.update(actor, snapshot.id, parsed.data);
        for (const identity of added) {
          await this.contacts.addIdentity(actor, snapshot.id, {
            kind: identity.kind,
            value: identity.raw,
            verified: false,
          });
        }
      });
    }
    remember(run, {
      ...snapshot,
      name: row.name ?? snapshot.name,
      language: row.language ?? snapshot.language,
      timeZone: row.timeZone ?? snapshot.timeZone,
      attributes: (patch.customAttributes as Record<string, unknown> | undefined) ?? snapshot.attributes,
      identityKeys: new Set([...snapshot.identityKeys, ...added.map((identity) => identity.key)]),
    });
    return { row: row.row, outcome: 'updated', contactId, changes, errors: [] };
  }
}

function parse(text: string): CsvTable {
  // No text column can store NUL; a file carrying one is refused whole, naming the line, before any row is written.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new DomainError(
      'validation_failed',
      `The CSV cannot be read: line ${line} contains a NUL character`,
      {
        errors: [{ field: `body.line ${line}`, message: 'must not contain NUL (U+0000) characters' }],
      },
    );
  }
  try {
    return parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new DomainError('validation_failed', `The CSV cannot be read: ${error.message}`, {
      errors: [{ field: `body.line ${error.line}`, message: error.message }],
    });
  }
}

/** zod issues of the contact schemas mapped back to the CSV columns they came from. */
function fieldErrors(error: z.ZodError, row: PreparedRow): FieldError[] {
  return error.issues.map((issue) => {
    const [first, second] = issue.path;
    let field = String(first ?? 'row');
    if (first === 'customAttributes' && second !== undefined)
      field = row.attributeColumns[String(second)] ?? `attr.${String(second)}`;
    else if (first === 'identities' && typeof second === 'number')
      field = row.identities[second]?.column ?? field;
    else if (first === 'name' || first === 'language' || first === 'timeZone')
      field = row.columns[first] ?? field;
    return { field, message: issue.message };
  });
}

/** A service error's field (`body.customAttributes.tier`, `identity.value`) as the CSV column it came from. */
function columnOf(field: string, row: PreparedRow): string {
  const attribute = /customAttributes\.(.+)$/.exec(field)?.[1];
  if (attribute) return row.attributeColumns[attribute] ?? `attr.${attribute}`;
  const name = field.replace(/^body\./, '') as keyof PreparedRow['columns'];
  return row.columns[name] ?? 'row';
}

function failed(row: PreparedRow, errors: FieldError[]): ImportRowResult {
  return { row: row.row, outcome: 'error', contactId: null, changes: [], errors };
}

function remember(run: ImportRun, snapshot: Snapshot): void {
  run.snapshots.set(snapshot.id, snapshot);
  for (const key of snapshot.identityKeys) run.owners.set(key, snapshot.id);
}

function snapshotOf({ contact, identities }: { contact: ContactRow; identities: IdentityRow[] }): Snapshot {
  return {
    id: contact.id,
    name: contact.name,
    language: contact.language,
    timeZone: contact.timeZone,
    attributes: contact.customAttributes,
    identityKeys: new Set(identities.map((identity) => `${identity.kind}:${identity.value}`)),
  };
}

function describe(run: ImportRun, contactId: string): string {
  const row = run.snapshots.get(contactId)?.plannedByRow;
  return row === undefined ? `contact ${contactId}` : `the contact row ${row} creates`;
}

function fieldChanges(row: PreparedRow): string[] {
  return [
    ...(['name', 'language', 'timeZone'] as const).filter((field) => row[field] !== undefined),
    ...Object.keys(row.attributes).map((key) => `attr.${key}`),
  ];
}

function identityLabel(identity: RowIdentity): string {
  const column = identity.kind === 'api' ? 'external_id' : identity.kind === 'crm' ? 'crm_id' : identity.kind;
  return `${column}:${identity.displayValue}`;
}

/** How an attribute value reads in a CSV cell (the export writes non-strings as JSON). */
export function attributeText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
