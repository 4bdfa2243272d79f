import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenEmailChannel } from '../../../test/support/email-factories.ts';
import { createTenant, type GivenTenant } from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

const CORPUS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/email/mail-gem',
);
const files = readdirSync(CORPUS, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.eml') && statSync(path.join(CORPUS, file)).isFile())
  .sort();
/** Replacement characters and UTF-8-read-as-Latin-1 pairs: what a wrong charset leaves behind. */
const MOJIBAKE = /\uFFFD|[ÃÂ][\u0080-\u00BF]/;

describe.each(testDatabases())('the mail-gem corpus on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let channelId: string;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
    channelId = (await givenEmailChannel(tenant)).id;
  });
  afterAll(() => app?.stop());

  it(`ingests all ${files.length} messages: decoded sender and subject, a body or a recorded reason`, async () => {
    const { services } = app.unisono;
    const channel = await services.channels.get(tenant.id, channelId);
    const problems: string[] = [];
    const outcomes: Record<string, number> = {};
    for (const file of files) {
      const raw = readFileSync(path.join(CORPUS, file));
      // Only the source itself may contain replacement characters (a few spam samples do).
      const sourceIsBroken = raw.includes(Buffer.from('\uFFFD'));
      const result = await services.email.accept(channel, raw, 'smtp', { to: [] });
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      if (result.outcome === 'held') {
        if (!result.failed.error) problems.push(`${file}: held without a reason`);
        continue;
      }
      const stored = result.results.find((entry) => entry.type === 'message');
      if (stored?.type !== 'message') continue;
      const { rows } = await app.unisono.platform.database.executeSql(
        `select m.subject, m.text, m.metadata, c.name, i.value from messages m
         join contacts c on c.tenant_id = m.tenant_id and c.id = m.contact_id
         join contact_identities i on i.tenant_id = m.tenant_id and i.id = m.identity_id
         where m.tenant_id = $1 and m.id = $2`,
        [tenant.id, stored.messageId],
      );
      const message = rows[0];
      for (const [field, value] of [
        ['subject', message.subject],
        ['sender name', message.name],
        ['sender', message.value],
      ]) {
        if (value && MOJIBAKE.test(value) && !sourceIsBroken)
          problems.push(`${file}: ${field} ${JSON.stringify(value)}`);
      }
      if (!message.text.trim() && !message.metadata.bodyMissing && !stored.duplicate) {
        problems.push(`${file}: empty body without a reason`);
      }
    }
    expect(problems).toEqual([]);
    expect(outcomes.stored).toBeGreaterThan(files.length * 0.9);
  });

  it('decodes the international samples to the expected text', async () => {
    const subjects = (
      await app.unisono.platform.database.executeSql(
        'select subject from messages where tenant_id = $1 and channel_id = $2',
        [tenant.id, channelId],
      )
    ).rows.map((row: any) => row.subject);
    expect(subjects).toEqual(
      expect.arrayContaining([
        'まみむめも',
        'NOTE: 한국말로 하는 것',
        'Eelanalüüsi päring',
        'Säying Hello',
        'Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro',
        'Another PDF with 🎉 Unicode chars in it 🍿',
      ]),
    );
    const failed = await tenant.api.get('/api/v1/email/failed-inbound');
    expect(failed.body.items.map((item: any) => item.error)).toEqual(
      expect.arrayContaining([expect.stringContaining('no sender address')]),
    );
  });
});
