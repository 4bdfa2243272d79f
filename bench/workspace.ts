/**
 * Agent workspace figures: initial JS of the inbox (gzipped), navigation → interactive inbox with
 * 10,000 conversations in headless Chromium, and how soon a new message appears after the API channel
 * accepted it. Run: `node --import tsx bench/workspace.ts` (CONVERSATIONS=… to change the volume).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { signApiBody } from '../src/channels/api/api-channel.adapter.ts';
import { launchBrowser } from '../test/e2e/support/browser.ts';
import { ensureWebBuild } from '../test/e2e/support/web-build.ts';
import { createTenant, givenApiChannel } from '../test/support/factories.ts';
import { startTestApp } from '../test/support/test-app.ts';

// Functions passed to page.evaluate run in the browser; these stand in for the DOM types the Node
// compilation does not load (module-scoped, so they do not leak into other files).
declare const document: any;
declare const requestAnimationFrame: (callback: (time: number) => void) => number;
declare const MutationObserver: any;
type HTMLElement = any;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 10_000);
const NAVIGATION_RUNS = 6;
const COLD_RUNS = 5;
const LATENCY_SAMPLES = 30;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The entry script and everything it preloads: what the browser must fetch before the inbox runs. */
function initialJavaScript() {
  const dist = path.join(ROOT, 'web', 'dist');
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(dist, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  const css = [...html.matchAll(/href="(\/assets\/[^"]+\.css)"/g)].map((match) => match[1]!);
  const cssGzip = css.reduce((sum, file) => sum + gzipSync(readFileSync(path.join(dist, file))).length, 0);
  return { files, raw, gzip, cssGzip };
}

async function main() {
  ensureWebBuild();
  const bundle = initialJavaScript();
  console.log(
    `initial JS: ${bundle.files.length} files, ${kb(bundle.raw)} raw, ${kb(bundle.gzip)} gzipped (+ CSS ${kb(bundle.cssGzip)} gzipped)`,
  );

  const app = await startTestApp('pglite', { LOG_LEVEL: 'warn' });
  const browser = await launchBrowser();
  try {
    const tenant = await createTenant(app);
    const channel = await givenApiChannel(tenant, {}, 'Bench shop');
    const seedStart = Date.now();
    // The first conversations arrive through the API channel like real ones; the bulk is written with
    // SQL, because this measures the UI, not ingest (bench/run.ts measures ingest).
    const viaApi = Math.min(CONVERSATIONS, 200);
    for (let offset = 0; offset < viaApi; offset += 100) {
      const events = Array.from({ length: Math.min(100, viaApi - offset) }, (_, index) => ({
        id: `seed-${offset + index}`,
        from: {
          kind: 'email',
          value: `customer-${offset + index}@example.org`,
          name: `Kunde ${offset + index}`,
        },
        text: `Frage Nummer ${offset + index} zu meiner Bestellung`,
      }));
      const body = JSON.stringify({ events });
      const response = await fetch(`${app.url}/api/v1/inbound/${channel.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-unisono-signature': signApiBody(channel.secret, body),
        },
        body,
      });
      if (response.status !== 202)
        throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
    }
    const rest = CONVERSATIONS - viaApi;
    if (rest > 0) {
      const { database } = app.unisono.platform;
      await database.executeSql(
        `insert into contacts (tenant_id, id, name)
         select $1::uuid, gen_random_uuid(), 'Bulk ' || n from generate_series(1, $2::int) n`,
        [tenant.id, rest],
      );
      await database.executeSql(
        `insert into conversations (tenant_id, id, contact_id, channel_id, status, last_inbound_channel_id,
           last_message_preview, message_count, last_activity_at, waiting_since)
         select c.tenant_id, gen_random_uuid(), c.id, $2::uuid, 'open', $2::uuid,
           'Frage zu meiner Bestellung (' || c.name || ')', 1,
           now() - (row_number() over (order by c.name)) * interval '7 seconds',
           now() - (row_number() over (order by c.name)) * interval '7 seconds'
         from contacts c where c.tenant_id = $1::uuid and c.name like 'Bulk %'`,
        [tenant.id, channel.id],
      );
    }
    console.log(`seeded ${CONVERSATIONS} conversations in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    const signedInPage = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const login = await context.request.post(`${app.url}/api/v1/auth/login`, {
        data: { email: tenant.admin.email, password: tenant.admin.password },
      });
      if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
      return context.newPage();
    };
    // Navigation → interactive: from navigation start until the first rows and the view counts are on
    // screen and the list takes input. Cold = a fresh browser profile (no HTTP cache); warm = reloads.
    const measure = async (page: Awaited<ReturnType<typeof signedInPage>>, label: string) => {
      await page.goto('about:blank');
      await page.goto(`${app.url}/inbox?view=all`);
      await page.waitForSelector('[data-conversation-id]');
      await page.waitForFunction(
        () => document.querySelector('.view-button[aria-current="true"] .count') !== null,
      );
      const interactive = await page.evaluate(() => performance.now());
      if (process.env.BENCH_DEBUG) {
        const resources = await page.evaluate(() =>
          performance
            .getEntriesByType('resource')
            .map(
              (entry: any) =>
                `${entry.name.replace(/^https?:\/\/[^/]+/, '')} ${entry.startTime.toFixed(0)}→${(entry.startTime + entry.duration).toFixed(0)}`,
            ),
        );
        console.log(resources.join('\n'));
      }
      console.log(`  navigation → interactive inbox, ${label}: ${interactive.toFixed(0)} ms`);
      return interactive;
    };
    const cold: number[] = [];
    for (let run = 0; run < COLD_RUNS; run++) {
      const fresh = await signedInPage();
      cold.push(await measure(fresh, `cold run ${run + 1}`));
      await fresh.context().close();
    }
    const page = await signedInPage();
    await page.goto(`${app.url}/inbox?view=all`); // fills this profile's HTTP cache
    await page.waitForSelector('[data-conversation-id]');
    const warm: number[] = [];
    for (let run = 0; run < NAVIGATION_RUNS; run++) warm.push(await measure(page, `warm run ${run + 1}`));
    const total = await page.locator('.list-total').textContent();
    console.log(
      `navigation → interactive inbox (${CONVERSATIONS} conversations): cold median ${median(cold).toFixed(0)} ms (max ${Math.max(...cold).toFixed(0)}), warm median ${median(warm).toFixed(0)} ms (list shows “${total}”)`,
    );

    // Scrolling the virtualised list to the end: pages load as it goes; frames stay short.
    const scroll = await page.evaluate(async (expected) => {
      const list = document.querySelector('[data-testid="conversation-list"]') as HTMLElement;
      const frames: number[] = [];
      let last = performance.now();
      const started = last;
      while (document.querySelectorAll('[data-conversation-id]').length > 0) {
        list.scrollTop += 2_000;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        const label = document.querySelector('.list-total')?.textContent ?? '';
        if (!label.includes('+') && list.scrollTop + list.clientHeight >= list.scrollHeight - 2) break;
        if (now - started > 60_000) break;
      }
      const rows = document.querySelector('.list-total')?.textContent ?? '';
      frames.sort((a, b) => a - b);
      return {
        seconds: (performance.now() - started) / 1000,
        frames: frames.length,
        medianFrame: frames[Math.floor(frames.length / 2)] ?? 0,
        p95Frame: frames[Math.floor(frames.length * 0.95)] ?? 0,
        rows,
        expected,
      };
    }, CONVERSATIONS);
    console.log(
      `scrolling to the end of ${scroll.rows}: ${scroll.seconds.toFixed(1)} s, ${scroll.frames} frames, frame median ${scroll.medianFrame.toFixed(1)} ms, p95 ${scroll.p95Frame.toFixed(1)} ms`,
    );

    // New message → visible: the time from the API channel's 202 until its row is in the list, taken
    // from one clock (the browser records Date.now() in a MutationObserver; both run on this machine).
    await page.goto(`${app.url}/inbox?view=all&sort=last_activity`);
    await page.waitForSelector('[data-conversation-id]');
    const latencies: number[] = [];
    for (let sample = 0; sample < LATENCY_SAMPLES; sample++) {
      const externalId = `live-${sample}`;
      const waiting = page.evaluate(
        () =>
          new Promise<{ at: number; id: string }>((resolve) => {
            const seen = new Set(
              [...document.querySelectorAll('[data-conversation-id]')].map((row) =>
                row.getAttribute('data-conversation-id'),
              ),
            );
            const observer = new MutationObserver(() => {
              for (const row of document.querySelectorAll('[data-conversation-id]')) {
                const id = row.getAttribute('data-conversation-id')!;
                if (!seen.has(id)) {
                  observer.disconnect();
                  resolve({ at: Date.now(), id });
                  return;
                }
              }
            });
            observer.observe(document.body, { childList: true, subtree: true });
          }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const body = JSON.stringify({
        id: externalId,
        from: { kind: 'email', value: `live-${sample}@example.org`, name: `Live ${sample}` },
        text: 'Neue Nachricht',
      });
      const response = await fetch(`${app.url}/api/v1/inbound/${channel.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-unisono-signature': signApiBody(channel.secret, body),
        },
        body,
      });
      const accepted = Date.now();
      if (response.status !== 202) throw new Error(`inbound failed: ${response.status}`);
      const { at } = await waiting;
      latencies.push(at - accepted);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(
      `new message visible after the API channel's 202: median ${median(latencies)} ms, p95 ${percentile(latencies, 95)} ms, max ${Math.max(...latencies)} ms (${LATENCY_SAMPLES} samples; negative = shown before the HTTP answer arrived)`,
    );
    console.log(
      `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, Chromium ${browser.version()}`,
    );
  } finally {
    await browser.close();
    await app.stop();
  }
}

await main();
