import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type GivenTenant, givenAgent, unique } from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { runContactsCommand } from '../../cli/contacts-command.ts';
import { decodeCsv, parseCsv } from './contact-csv.ts';

describe.each(testDatabases())('contact CSV import and export on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  const workDir = mkdtempSync(path.join(tmpdir(), 'unisono-csv-'));

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  const importCsv = (target: GivenTenant, csv: string, dryRun = false) =>
    target.api.request('POST', `/api/v1/contacts/import${dryRun ? '?dryRun=true' : ''}`, csv, {
      'content-type': 'text/csv; charset=utf-8',
    });
  const find = async (target: GivenTenant, q: string) =>
    (await target.api.get(`/api/v1/contacts?q=${encodeURIComponent(q)}`)).body.items as any[];
  const exportCsv = async (target: GivenTenant, query = '') => {
    const response = await fetch(`${app.url}/api/v1/contacts/export.csv${query}`, {
      headers: { authorization: `Bearer ${target.admin.token}` },
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes,
      text: decodeCsv(bytes),
    };
  };

  it('creates and updates contacts, reports bad rows by row and column, and warns about unknown columns', async () => {
    const marker = unique('imp');
    const csv = [
      'Name;E-Mail;Telefon;Sprache;Zeitzone;Kundennummer;attr.tier;Lieblingsfarbe',
      `Anna ${marker};anna.${marker}@example.de;030 1234567;DE;europe/berlin;K-${marker};gold;blau`,
      `Bob ${marker};not-an-email;;;;;;`,
      `Carl ${marker};carl.${marker}@example.de;call me;;;;;`,
      '',
      `Dora ${marker};dora.${marker}@example.de;;Deutsch;Mars/Olympus;;;`,
      `Emil ${marker};;;;;;;`,
      `Anna Schmidt ${marker};ANNA.${marker}@Example.DE;;;;;platinum;`,
    ].join('\r\n');
    const response = await importCsv(tenant, csv);
    expect(response.status).toBe(200);
    const result = response.body;
    expect(result).toMatchObject({
      dryRun: false,
      delimiter: ';',
      total: 6,
      created: 1,
      updated: 1,
      failed: 4,
    });
    expect(result.warnings).toEqual([{ column: 'Lieblingsfarbe', message: 'unknown column, ignored' }]);
    const byRow = Object.fromEntries(result.rows.map((row: any) => [row.row, row]));
    expect(byRow[2]).toMatchObject({ outcome: 'created' });
    expect(byRow[3].errors).toEqual([{ field: 'E-Mail', message: '"not-an-email" is not an email address' }]);
    expect(byRow[4].errors).toEqual([{ field: 'Telefon', message: '"call me" is not a phone number' }]);
    expect(byRow[6].errors.map((error: any) => error.field)).toEqual(['Sprache', 'Zeitzone']);
    expect(byRow[7].errors[0]).toMatchObject({ field: 'row' });
    expect(byRow[7].errors[0].message).toContain('no email, phone');
    expect(byRow[8]).toMatchObject({
      outcome: 'updated',
      contactId: byRow[2].contactId,
      changes: ['name', 'attr.tier'],
    });

    const [anna] = await find(tenant, `anna.${marker}`);
    expect(anna).toMatchObject({
      id: byRow[2].contactId,
      name: `Anna Schmidt ${marker}`,
      language: 'de',
      timeZone: 'Europe/Berlin',
      customAttributes: { tier: 'platinum' },
    });
    expect(anna.identities.map((identity: any) => [identity.kind, identity.value])).toEqual([
      ['email', `anna.${marker}@example.de`],
      ['phone', '+49301234567'],
      ['crm', `K-${marker}`],
    ]);
    expect(await find(tenant, `Bob ${marker}`)).toEqual([]);
  });

  it('refuses a row whose identities belong to two different contacts instead of merging them', async () => {
    const first = await tenant.api.post('/api/v1/contacts', {
      name: 'First',
      identities: [{ kind: 'email', value: `${unique('first')}@example.de` }],
    });
    const second = await tenant.api.post('/api/v1/contacts', {
      name: 'Second',
      identities: [{ kind: 'phone', value: '+49 40 7770001' }],
    });
    const email = first.body.identities[0].value;
    const result = (await importCsv(tenant, `name,email,phone\nBoth,${email},040 7770001\n`)).body;
    expect(result).toMatchObject({ failed: 1, created: 0, updated: 0 });
    expect(result.rows[0].errors[0].field).toBe('phone');
    expect(result.rows[0].errors[0].message).toMatch(/^ambiguous: phone \+49 40 7770001 belongs to contact/);
    expect(result.rows[0].errors[0].message).toContain(first.body.id);
    expect((await tenant.api.get(`/api/v1/contacts/${first.body.id}`)).body.name).toBe('First');
    expect((await tenant.api.get(`/api/v1/contacts/${second.body.id}`)).body.identities).toHaveLength(1);
  });

  it('is idempotent: a second run of the same file reports every row unchanged', async () => {
    const marker = unique('idem');
    const csv = [
      'name,email,phone,whatsapp,telegram,external_id,language,timezone,attr.plan,attr.seats',
      `Ida ${marker},ida.${marker}@example.de,+43 664 1234567,,@Ida_${marker.slice(-4)},,en,Europe/Vienna,pro,5`,
      `Jan ${marker},jan.${marker}@example.de,,0171 5550101,,J-${marker},,,,`,
      `Jan ${marker},JAN.${marker}@example.de,,,,,,,basic,`,
    ].join('\n');
    const first = (await importCsv(tenant, csv)).body;
    expect(first).toMatchObject({ created: 2, updated: 1, unchanged: 0, failed: 0 });
    const second = (await importCsv(tenant, csv)).body;
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: 0 });
    expect(second.rows.map((row: any) => row.contactId)).toEqual(first.rows.map((row: any) => row.contactId));
    expect(await find(tenant, marker)).toHaveLength(2);
  });

  it('checks typed custom attributes like the API does, and a typed value imports back unchanged', async () => {
    const typed = await createTenant(app);
    const defined = await typed.api.post('/api/v1/contact-attributes', {
      key: 'seats',
      label: 'Seats',
      type: 'number',
    });
    expect(defined.status).toBe(201);
    const marker = unique('typed');
    const csv = `name,email,attr.seats\nA,a.${marker}@example.de,5\nB,b.${marker}@example.de,many\n`;
    const first = (await importCsv(typed, csv)).body;
    expect(first).toMatchObject({ created: 1, failed: 1 });
    expect(first.rows[1].errors).toEqual([{ field: 'attr.seats', message: 'must be a number' }]);
    const [contact] = await find(typed, `a.${marker}`);
    expect(contact.customAttributes).toEqual({ seats: 5 });
    expect((await importCsv(typed, csv)).body).toMatchObject({ unchanged: 1, failed: 1 });
  });

  it('in a dry run reports what would happen, including rows that repeat an earlier row, and writes nothing', async () => {
    const marker = unique('dry');
    const existing = await tenant.api.post('/api/v1/contacts', {
      name: `Kim ${marker}`,
      identities: [{ kind: 'email', value: `kim.${marker}@example.de` }],
    });
    const csv = [
      'name,email,phone',
      `Lea ${marker},lea.${marker}@example.de,`,
      `Lea ${marker},lea.${marker}@example.de,+49 89 1112223`,
      `Kim ${marker},kim.${marker}@example.de,`,
      `Kim Neu ${marker},kim.${marker}@example.de,`,
      `Max ${marker},bad,`,
    ].join('\n');
    const dry = (await importCsv(tenant, csv, true)).body;
    expect(dry).toMatchObject({ dryRun: true, created: 1, updated: 2, unchanged: 1, failed: 1 });
    expect(dry.rows.map((row: any) => [row.outcome, row.contactId])).toEqual([
      ['created', null],
      ['updated', null],
      ['unchanged', existing.body.id],
      ['updated', existing.body.id],
      ['error', null],
    ]);
    expect(dry.rows[1].changes).toEqual(['phone:+49 89 1112223']);
    expect(await find(tenant, `lea.${marker}`)).toEqual([]);
    expect((await tenant.api.get(`/api/v1/contacts/${existing.body.id}`)).body.name).toBe(`Kim ${marker}`);

    const real = (await importCsv(tenant, csv)).body;
    expect(real.rows.map((row: any) => row.outcome)).toEqual(dry.rows.map((row: any) => row.outcome));
  });

  it('exports every contact as CSV that imports back unchanged, and into another tenant identically', async () => {
    const source = await createTenant(app);
    const marker = unique('exp');
    const csv = [
      'name,email,email_2,phone,whatsapp,external_id,language,timezone,attr.tier,attr.note',
      `"Müller, Jörg",jörg.${marker}@bücher.de,j2.${marker}@example.de,030 5550000,,M-1,de,Europe/Berlin,gold,"sagt ""hi"""`,
      `=Formula ${marker},f.${marker}@example.de,,,+43 664 9990000,,,,,"zwei\nZeilen"`,
      `Plain ${marker},plain.${marker}@example.de,,,,,,,,`,
    ].join('\n');
    expect((await importCsv(source, csv)).body).toMatchObject({ created: 3, failed: 0 });

    const exported = await exportCsv(source);
    expect(exported.status).toBe(200);
    expect(exported.type).toContain('text/csv');
    const table = parseCsv(exported.text);
    expect(table.header).toEqual([
      'id',
      'name',
      'email',
      'email_2',
      'phone',
      'whatsapp',
      'telegram',
      'external_id',
      'crm_id',
      'language',
      'timezone',
      'attr.note',
      'attr.tier',
      'created_at',
      'updated_at',
    ]);
    expect(table.records).toHaveLength(3);
    expect(exported.text).toContain(`,'=Formula ${marker},`);

    const again = (await importCsv(source, exported.text)).body;
    expect(again).toMatchObject({ total: 3, unchanged: 3, failed: 0 });

    const target = await createTenant(app);
    expect((await importCsv(target, exported.text)).body).toMatchObject({ created: 3, failed: 0 });
    const copy = parseCsv((await exportCsv(target)).text);
    const content = (records: typeof table.records) => records.map((record) => record.fields.slice(1, -2));
    expect(content(copy.records)).toEqual(content(table.records));
    expect(copy.records[1]!.fields[1]).toBe(`'=Formula ${marker}`);

    const excel = await exportCsv(source, '?format=excel');
    expect(excel.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(excel.text.startsWith('id;name;')).toBe(true);
  });

  it('keeps tenants apart: an import matches and an export shows only the own tenant', async () => {
    const other = await createTenant(app);
    const email = `${unique('shared')}@example.de`;
    const mine = await tenant.api.post('/api/v1/contacts', {
      name: 'Mine',
      identities: [{ kind: 'email', value: email }],
    });
    const result = (await importCsv(other, `name,email\nTheirs,${email}\n`)).body;
    expect(result).toMatchObject({ created: 1 });
    expect(result.rows[0].contactId).not.toBe(mine.body.id);
    expect((await tenant.api.get(`/api/v1/contacts/${mine.body.id}`)).body.name).toBe('Mine');
    const exported = await exportCsv(other);
    expect(exported.text).toContain('Theirs');
    expect(exported.text).not.toContain(mine.body.id);
  });

  it('refuses other content types, files without known columns, unreadable CSV and agents', async () => {
    const json = await tenant.api.post('/api/v1/contacts/import', { name: 'x' });
    expect(json.status).toBe(415);
    const unknown = await importCsv(tenant, 'foo,bar\n1,2\n');
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('validation_failed');
    const broken = await importCsv(tenant, 'name,email\n"Anna,anna@example.de\n');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toContain('never closed');
    const agent = await givenAgent(app, tenant);
    const forbidden = await agent.api.request('POST', '/api/v1/contacts/import', 'name\nx\n', {
      'content-type': 'text/csv',
    });
    expect(forbidden.status).toBe(403);
    expect((await agent.api.get('/api/v1/contacts/export.csv')).status).toBe(403);
  });

  it('imports from the command line with progress, a per-row error report and exit code 1, and exports', async () => {
    const marker = unique('cli');
    const file = path.join(workDir, 'kunden.csv');
    writeFileSync(
      file,
      Buffer.from(
        `\uFEFFName;E-Mail;Telefon\r\nOla ${marker};ola.${marker}@example.de;\r\nPia ${marker};kaputt;\r\n`,
        'utf8',
      ),
    );
    const run = async (args: string[], flags: Record<string, string | true>) => {
      let stdout = '';
      let stderr = '';
      const sink = (append: (text: string) => void) =>
        new Writable({
          write(chunk, _encoding, done) {
            append(String(chunk));
            done();
          },
        });
      const code = await runContactsCommand(app.unisono, args, flags, {
        stdout: sink((text) => {
          stdout += text;
        }),
        stderr: sink((text) => {
          stderr += text;
        }),
      });
      return { code, stdout, stderr };
    };

    const dry = await run(['import'], { tenant: tenant.slug, 'dry-run': file });
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('nothing was written');
    expect(await find(tenant, `ola.${marker}`)).toEqual([]);

    const imported = await run(['import', file], { tenant: tenant.slug });
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('2/2 rows (100%)');
    expect(imported.stdout).toContain('2 rows — 1 created, 0 updated, 0 unchanged, 1 failed');
    const report = readFileSync(path.join(workDir, 'kunden.errors.csv'), 'utf8');
    expect(parseCsv(report).records.map((record) => record.fields)).toEqual([
      ['3', 'E-Mail', '"kaputt" is not an email address'],
    ]);
    expect(await find(tenant, `ola.${marker}`)).toHaveLength(1);

    writeFileSync(file, `Name;E-Mail\r\nOla ${marker};ola.${marker}@example.de\r\n`);
    const clean = await run(['import', file], { tenant: tenant.slug, report: path.join(workDir, 'r.csv') });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('1 unchanged, 0 failed');

    const out = path.join(workDir, 'export.csv');
    const exported = await run(['export'], { tenant: tenant.slug, out });
    expect(exported.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`ola.${marker}@example.de`);
  });
});
