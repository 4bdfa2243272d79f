import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, unique } from '../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../test/support/test-app.ts';
import { type DemoResult, loadDemo } from './demo.ts';
import { planContacts } from './demo-contacts.ts';
import { planConversations } from './demo-plan.ts';

const SIZE = { contacts: 60, conversations: 80 };

async function signIn(app: TestApp, email: string, password: string): Promise<Client> {
  const response = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return new Client(app.url, { cookie });
}

describe.each(testDatabases())('unisono demo on %s', (kind) => {
  const slug = unique('demo');
  let app: TestApp;
  let demo: DemoResult;
  let admin: Client;
  const progress: string[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind);
    demo = await loadDemo(app.unisono, slug, (line) => progress.push(line), SIZE);
    admin = await signIn(app, demo.email, demo.password);
  }, 120_000);
  afterAll(() => app?.stop());

  it('reports progress and returns credentials that sign in as the admin', async () => {
    expect(progress).toContain('contacts 60/60');
    expect(progress).toContain('conversations 80/80');
    expect(demo.email).toBe(`admin@${slug}.demo`);
    const me = await admin.get('/api/v1/me');
    expect(me.body).toMatchObject({ user: { role: 'admin' }, tenant: { slug } });
  });

  it('fills the inbox with conversations on several channels, in German and English, in every state', async () => {
    const channels = (await admin.get('/api/v1/channels')).body.items;
    expect(channels.map((channel: { name: string }) => channel.name)).toEqual(
      expect.arrayContaining(['Webshop', 'Mobile App', 'Messenger-Bridge']),
    );
    const { items } = (await admin.get('/api/v1/conversations?limit=200')).body;
    expect(items).toHaveLength(SIZE.conversations);
    const distinct = (values: unknown[]) => new Set(values).size;
    expect(distinct(items.map((item: { channelId: string }) => item.channelId))).toBeGreaterThanOrEqual(2);
    const statuses = items.map((item: { status: string }) => item.status);
    expect(statuses).toEqual(expect.arrayContaining(['open', 'pending', 'resolved']));
    expect(items.map((item: { language: string }) => item.language)).toEqual(
      expect.arrayContaining(['de', 'en']),
    );
    expect(items.some((item: { assigneeId: string | null }) => item.assigneeId === null)).toBe(true);
    expect(items.some((item: { labels: string[] }) => item.labels.includes('versand'))).toBe(true);

    const german = items.find((item: { language: string }) => item.language === 'de');
    const english = items.find((item: { language: string }) => item.language === 'en');
    const firstText = async (conversation: { id: string }) =>
      (await admin.get(`/api/v1/conversations/${conversation.id}/messages`)).body.items[0].text as string;
    expect(await firstText(german)).toMatch(/\b(ich|Sie|meine?|Bestellung|das|ist)\b/);
    expect(await firstText(english)).toMatch(/\b(I|my|the|is|you)\b/);
  });

  it('shows a month of history: customers first, replies delivered, nothing in the future', async () => {
    const { items } = (await admin.get('/api/v1/conversations?limit=200')).body;
    const now = Date.now();
    const created = items.map((item: { createdAt: string }) => Date.parse(item.createdAt));
    expect(Math.min(...created)).toBeLessThan(now - 7 * 86_400_000);
    expect(Math.min(...created)).toBeGreaterThan(now - 31 * 86_400_000);
    let replies = 0;
    for (const conversation of items) {
      const { body } = await admin.get(`/api/v1/conversations/${conversation.id}/messages`);
      const [first] = body.items;
      expect(first).toMatchObject({ direction: 'inbound', kind: 'message' });
      expect(Date.parse(first.createdAt)).toBe(Date.parse(conversation.createdAt));
      for (const message of body.items) {
        expect(Date.parse(message.createdAt)).toBeLessThan(now);
        if (message.kind === 'message' && message.direction === 'outbound') {
          replies++;
          expect(['delivered', 'read']).toContain(message.status);
        }
      }
    }
    expect(replies).toBeGreaterThan(20);
  });

  it('gives contacts several kinds of identity, phone numbers in international form', async () => {
    const { items } = (await admin.get('/api/v1/contacts?limit=200')).body;
    expect(items).toHaveLength(SIZE.contacts);
    const kinds = items.flatMap((contact: { identities: { kind: string }[] }) =>
      contact.identities.map((identity) => identity.kind),
    );
    expect(new Set(kinds)).toEqual(
      new Set(['email', 'phone', 'whatsapp', 'telegram', 'messenger', 'webchat']),
    );
    const multiKind = items.filter(
      (contact: { identities: { kind: string }[] }) =>
        new Set(contact.identities.map((identity) => identity.kind)).size >= 2,
    );
    expect(multiKind.length).toBeGreaterThan(5);
    const phones = items.flatMap((contact: { identities: { kind: string; value: string }[] }) =>
      contact.identities.filter((identity) => identity.kind === 'phone').map((identity) => identity.value),
    );
    for (const phone of phones) expect(phone).toMatch(/^\+(49|43|41|44)\d+$/);
  });

  it('lets agents sign in with the same password and see their queue', async () => {
    const agent = await signIn(app, `jonas.becker@${slug}.demo`, demo.password);
    const { items } = (await agent.get('/api/v1/conversations?limit=200')).body;
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(SIZE.conversations);
  });

  it('refuses to load the demo twice under the same slug', async () => {
    await expect(loadDemo(app.unisono, slug, () => {}, SIZE)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(slug),
    });
  });

  it('leaves nothing behind when loading fails halfway, so it can be run again', async () => {
    const failHalfway = (line: string) => {
      if (line === 'contacts 50/60') throw new Error('interrupted');
    };
    const broken = unique('broken');
    await expect(loadDemo(app.unisono, broken, failHalfway, SIZE)).rejects.toThrow('interrupted');
    expect(await app.unisono.services.tenants.findBySlug(broken)).toBeUndefined();
    const login = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `admin@${broken}.demo`, password: demo.password }),
    });
    expect(login.status).toBe(401);
  });

  it('tells the same stories on every run', () => {
    const now = Date.now();
    const contacts = planContacts(40);
    expect(planContacts(40)).toEqual(contacts);
    expect(planConversations(contacts, 50, now)).toEqual(planConversations(planContacts(40), 50, now));
  });
});
