import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Unisono } from '../app.ts';
import { csvLine, decodeCsv } from '../modules/contacts/contact-csv.ts';
import type { ContactImportResult } from '../modules/contacts/contact-import.schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { Actor } from '../platform/http/auth.ts';
import { stringFlag } from './args.ts';

export const CONTACTS_USAGE = `  unisono contacts import <file.csv> [--tenant SLUG] [--dry-run] [--report PATH] [--as EMAIL]
                                     create/update contacts from CSV; exit 1 if any row failed
  unisono contacts export [--tenant SLUG] [--out FILE] [--format standard|excel]`;

export interface CliOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** `unisono contacts import|export`: the CSV import and export of the API, for files of any size. */
export async function runContactsCommand(
  unisono: Unisono,
  args: string[],
  flags: Record<string, string | true>,
  output: CliOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [subcommand, ...rest] = args;
  // `--dry-run file.csv` reads as a flag with a value; the value is the file.
  const dryRunValue = flags['dry-run'];
  if (typeof dryRunValue === 'string') rest.push(dryRunValue);
  const tenantSlug = stringFlag(flags, 'tenant') ?? 'default';
  const tenant = await unisono.services.tenants.findBySlug(tenantSlug);
  if (!tenant) throw new DomainError('not_found', `No tenant with slug ${tenantSlug}`);

  if (subcommand === 'import') {
    const file = rest[0];
    if (!file)
      throw new DomainError('validation_failed', 'Name the CSV file: unisono contacts import <file.csv>');
    const actor = await cliActor(unisono, tenant.id, stringFlag(flags, 'as'));
    const text = decodeCsv(await readFile(file));
    const progress = new ProgressBar(output.stderr);
    const result = await unisono.services.contactImport.importCsv(actor, text, {
      dryRun: dryRunValue !== undefined,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();
    output.stdout.write(summary(file, tenantSlug, result));
    if (result.failed > 0) {
      const report = stringFlag(flags, 'report') ?? defaultReportPath(file);
      await writeFile(report, errorReport(result));
      output.stdout.write(`Error report: ${report}\n`);
      return 1;
    }
    return 0;
  }

  if (subcommand === 'export') {
    const out = stringFlag(flags, 'out');
    const excel = stringFlag(flags, 'format') === 'excel';
    const destination = out ? createWriteStream(out) : output.stdout;
    let lines = -1;
    for await (const chunk of unisono.services.contactExport.csv(tenant.id, {
      delimiter: excel ? ';' : ',',
      bom: excel,
    })) {
      lines += chunk.match(/\r\n/g)?.length ?? 0;
      if (!destination.write(chunk)) await once(destination, 'drain');
    }
    if (out) {
      destination.end();
      await once(destination, 'finish');
      output.stderr.write(`Exported ${plural(lines, 'contact')} of ${tenantSlug} to ${out}\n`);
    }
    return 0;
  }

  output.stderr.write(`Usage:\n${CONTACTS_USAGE}\n`);
  return 1;
}

/** Changes made from the command line are audited as a tenant admin (the first, or --as EMAIL). */
async function cliActor(unisono: Unisono, tenantId: string, email: string | undefined): Promise<Actor> {
  const members = await unisono.services.users.list(tenantId);
  const member = email
    ? members.find((candidate) => candidate.email === email.toLowerCase())
    : members.find((candidate) => candidate.role === 'admin');
  if (!member) {
    throw new DomainError(
      'not_found',
      email ? `${email} is not a member of this tenant` : 'This tenant has no admin',
    );
  }
  return {
    tenantId,
    userId: member.id,
    role: member.role,
    isPlatformAdmin: member.isPlatformAdmin,
    teamIds: member.teamIds,
    via: 'token',
  };
}

function summary(file: string, tenantSlug: string, result: ContactImportResult): string {
  const lines = [
    result.dryRun
      ? `Dry run of ${file} for ${tenantSlug} (nothing was written): ${plural(result.total, 'row')} — ` +
        `${result.created} would be created, ${result.updated} updated, ${result.unchanged} unchanged, ` +
        `${result.failed} failed.`
      : `Imported ${file} into ${tenantSlug}: ${plural(result.total, 'row')} — ${result.created} created, ` +
        `${result.updated} updated, ${result.unchanged} unchanged, ${result.failed} failed.`,
    ...result.warnings.map((warning) => `Warning: column "${warning.column}": ${warning.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** One line per problem: row, field, message (a CSV the user can open beside the original). */
function errorReport(result: ContactImportResult): string {
  let text = csvLine(['row', 'field', 'message']);
  for (const row of result.rows) {
    for (const error of row.errors) text += csvLine([String(row.row), error.field, error.message]);
  }
  return text;
}

function defaultReportPath(file: string): string {
  const parsed = path.parse(file);
  return path.join(parsed.dir, `${parsed.name}.errors.csv`);
}

/** `[█████░░░░░] 512/1000 51%` redrawn in place on a terminal; a line per 10 % otherwise. */
class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean }) {}

  update(done: number, total: number): void {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (this.stream.isTTY) {
      const now = Date.now();
      if (done !== total && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const filled = Math.round(percent / 5);
      this.stream.write(`\r[${'█'.repeat(filled)}${'░'.repeat(20 - filled)}] ${done}/${total} ${percent}%`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor(percent / 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.stream.write(`${done}/${total} rows (${percent}%)\n`);
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
