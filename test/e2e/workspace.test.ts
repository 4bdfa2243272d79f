import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenEmailChannel, receiveMail } from '../support/email-factories.ts';
import { eventually, postToChannel, receiveApiMessage, unique } from '../support/factories.ts';
import { buildMail } from '../support/mail-builder.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { launchBrowser, screenshot, signIn } from './support/browser.ts';
import { ensureWebBuild } from './support/web-build.ts';
import { givenWorkspace, type Workspace } from './support/workspace-fixture.ts';

const PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** The agent workspace in a real browser against the real server: the main path of an agent's day. */
describe('agent workspace in the browser', () => {
  let app: TestApp;
  let workspace: Workspace;
  let browser: Browser;
  let page: Page;
  const customerEmail = `${unique('anna')}@example.de`;
  let olderConversationNumber = 0;
  let liveConversationId = '';

  beforeAll(async () => {
    ensureWebBuild();
    browser = await launchBrowser();
    app = await startTestApp('pglite');
    workspace = await givenWorkspace(app);
    // Anna wrote on WhatsApp Business last month; that conversation is resolved.
    const older = await receiveApiMessage(app, workspace.whatsapp, {
      from: { kind: 'email', value: customerEmail, name: 'Anna Schmidt' },
      text: 'Ist der Gutschein noch gültig?',
    });
    await workspace.tenant.api.patch(`/api/v1/conversations/${older.conversationId}`, { status: 'resolved' });
    olderConversationNumber = (
      await workspace.tenant.api.get(`/api/v1/conversations/${older.conversationId}`)
    ).body.number;
    page = await browser.newPage({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    page.on('pageerror', (error) => console.error('browser error:', error));
    // Fail a step with the locator it waited for, well before the test's own timeout, but only after a
    // loaded 2-core machine has had time: these waits end as soon as the condition holds.
    page.setDefaultTimeout(45_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await workspace?.stop();
    await app?.stop();
  });

  it('signs in and shows the three-pane inbox', async () => {
    await page.goto(`${app.url}/`);
    await page.getByRole('heading', { name: 'Sign in to Unisono' }).waitFor();
    await screenshot(page, '01-login');
    await signIn(page, app.url, workspace.tenant.admin.email, workspace.tenant.admin.password);
    await page.getByRole('button', { name: /^All/ }).click();
    await page.getByText('Mia Hoffmann').waitFor();
    expect(await page.getByRole('navigation', { name: 'Views' }).isVisible()).toBe(true);
  });

  it('shows a message pushed through the API channel live, without a reload', async () => {
    const accepted = Date.now();
    const inbound = await receiveApiMessage(app, workspace.shop, {
      from: { kind: 'email', value: customerEmail, name: 'Anna Schmidt' },
      text: 'Hallo, wo ist meine Bestellung 4711?',
      subject: 'Bestellung 4711',
    });
    liveConversationId = inbound.conversationId;
    await page.locator(`[data-conversation-id="${inbound.conversationId}"]`).waitFor();
    console.log(`new message visible ${Date.now() - accepted} ms after the API channel accepted it`);
    await page.getByTestId('new-work-badge').waitFor();
    await screenshot(page, '02-inbox-live');
  });

  it('opens the conversation and replies on a different channel, watching the delivery status', async () => {
    await page.locator(`[data-conversation-id="${liveConversationId}"]`).click();
    await page.getByRole('heading', { name: /Anna Schmidt/, level: 1 }).waitFor();
    await page.locator('.timeline-item', { hasText: 'Hallo, wo ist meine Bestellung 4711?' }).waitFor();

    // A follow-up email: HTML with a tracking image and quoted history, plus attachments.
    await receiveApiMessage(app, workspace.shop, {
      from: { kind: 'email', value: customerEmail, name: 'Anna Schmidt' },
      text: 'Hier die Rechnung. Alte Nachricht zitiert.',
      html: '<p>Hier die <b>Rechnung</b>.</p><img src="https://tracker.example/pixel.gif" alt=""><blockquote>Alte Nachricht</blockquote>',
      attachments: [
        { filename: 'rechnung.pdf', contentType: 'application/pdf', data: 'JVBERi0xLjQKJSBtaW5pbWFsCg==' },
        { filename: 'foto.png', contentType: 'image/png', data: PIXEL_PNG },
      ],
    });
    const email = page.locator('.timeline-item', { has: page.locator('iframe') });
    await email.getByText('Remote images are blocked to protect privacy.').waitFor();
    const frame = email.frameLocator('iframe');
    await frame.getByText('Rechnung').waitFor();
    expect(await frame.getByText('Alte Nachricht').isVisible()).toBe(false);
    await email.getByRole('button', { name: 'Show quoted text' }).click();
    await frame.getByText('Alte Nachricht').waitFor();
    // The frame grows to show the quoted text instead of cutting it off.
    await expect
      .poll(async () => {
        const [frameBox, quoteBox] = await Promise.all([
          email.locator('iframe').boundingBox(),
          frame.getByText('Alte Nachricht').boundingBox(),
        ]);
        return frameBox && quoteBox ? quoteBox.y + quoteBox.height <= frameBox.y + frameBox.height : false;
      })
      .toBe(true);
    await email.getByRole('link', { name: 'Download rechnung.pdf' }).waitFor();
    await email.getByRole('link', { name: 'Open image foto.png' }).waitFor();
    await screenshot(page, '02a-email-html');

    const picker = page.getByTestId('reply-channel');
    const defaultChoice = await picker.locator('option:checked').textContent();
    expect(defaultChoice).toContain('Webshop');
    const whatsappOption = await picker
      .locator('option', { hasText: 'WhatsApp Business' })
      .first()
      .getAttribute('value');
    await picker.selectOption(whatsappOption!);
    await page
      .getByText('The customer wrote on Webshop; this reply goes out on WhatsApp Business.')
      .waitFor();

    // A canned answer via "/", with the customer's and the agent's names filled in.
    const composer = page.getByPlaceholder(/Write your reply/);
    await composer.fill('/lief');
    await page.getByRole('option', { name: /lieferzeit/ }).waitFor();
    await screenshot(page, '03a-canned-answer');
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe(
      'Hallo Anna, Ihr Paket ist unterwegs und kommt in 1–2 Werktagen. Viele Grüße, Ada Admin',
    );
    await composer.fill('Ihr Paket ist unterwegs und kommt morgen.');
    await page.keyboard.press('Control+Enter');
    const reply = page.locator('.timeline-item', { hasText: 'Ihr Paket ist unterwegs und kommt morgen.' });
    await reply.waitFor();
    await reply.locator('[data-status="sent"]').waitFor();
    const delivery = workspace.receiver.requests.at(-1)!.json;
    expect(delivery).toMatchObject({
      text: 'Ihr Paket ist unterwegs und kommt morgen.',
      to: { value: customerEmail },
    });

    // The provider reports delivery on the channel the reply went out on; the UI follows live.
    await postToChannel(app, workspace.whatsapp, {
      type: 'status',
      messageId: delivery.id,
      status: 'delivered',
    });
    await reply.locator('[data-status="delivered"]').waitFor();
    expect(await reply.getByText('via WhatsApp Business').count()).toBe(1);
    await screenshot(page, '03-conversation-reply-delivered');

    // The provider refuses the next reply for good: it shows as failed, with the status (never the
    // provider's own text) and a retry.
    workspace.receiver.respondWith(() => ({ status: 400, body: { error: 'recipient blocked' } }));
    await page.locator('input[type="file"]').setInputFiles({
      name: 'lieferschein.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 Lieferschein'),
    });
    await page.getByText('lieferschein.pdf').waitFor();
    await page.getByPlaceholder(/Write your reply/).fill('Anbei der Lieferschein.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const failed = page.locator('.timeline-item', { hasText: 'Anbei der Lieferschein.' });
    await failed.locator('[data-status="failed"]').waitFor();
    await failed.getByText(/Webhook answered 400 Bad Request/).waitFor();
    await failed.getByRole('link', { name: 'Download lieferschein.pdf' }).waitFor();
    await screenshot(page, '03b-delivery-failed');
    workspace.receiver.respondWith(() => ({ status: 200, body: { id: 'provider-retried' } }));
    await failed.getByRole('button', { name: 'Retry' }).click();
    await failed.locator('[data-status="sent"]').waitFor();

    // The provider is down and asks for an hour: the reply waits, and the agent sends it now when it is back.
    let down = true;
    workspace.receiver.respondWith(() =>
      down
        ? { status: 503, body: {}, headers: { 'retry-after': '3600' } }
        : { status: 200, body: { id: 'provider-now' } },
    );
    await page.getByPlaceholder(/Write your reply/).fill('Wir melden uns gleich.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const waiting = page.locator('.timeline-item', { hasText: 'Wir melden uns gleich.' });
    await waiting.getByText(/attempt 1/).waitFor();
    down = false;
    await waiting.getByRole('button', { name: 'Send now' }).click();
    await waiting.locator('[data-status="sent"]').waitFor();
  });

  it('adds an internal note that looks different from messages', async () => {
    await page.getByRole('tab', { name: 'Internal note' }).click();
    await page
      .getByPlaceholder(/Note for colleagues/)
      .fill('Kundin hat zweimal nachgefragt, bitte priorisieren.');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.locator('.timeline-item.is-note', { hasText: 'Kundin hat zweimal nachgefragt' });
    await note.waitFor();
    expect(await note.getByText('Internal note').count()).toBe(1);
    expect(workspace.receiver.requests.some((request) => request.body.includes('zweimal nachgefragt'))).toBe(
      false,
    );
  });

  it('shows who else is viewing and typing, warns before a colliding reply, and notifies @mentions', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'de-DE' });
    const colleague = await context.newPage();
    await signIn(colleague, app.url, workspace.colleague.email, 'agent password 123');
    await colleague.goto(`${app.url}/inbox/${liveConversationId}?view=all`);
    await page.getByTestId('presence').getByText('Bernd Berger viewing').waitFor();
    await colleague.getByRole('tab', { name: 'Antwort' }).click();
    await colleague.getByPlaceholder(/Antwort schreiben/).pressSequentially('Ich übernehme', { delay: 20 });
    await page.getByTestId('presence').getByText('Bernd Berger typing…').waitFor();
    await page.getByRole('tab', { name: 'Reply' }).click();
    await page.getByPlaceholder(/Write your reply/).fill('Noch eine Frage?');
    await page.getByText('Bernd Berger is also working on this conversation.').waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('button', { name: 'Send anyway' }).waitFor();
    await screenshot(page, '04a-presence-collision');
    await page.getByPlaceholder(/Write your reply/).fill('');

    const handle = workspace.tenant.admin.email.split('@')[0];
    await colleague.getByRole('tab', { name: 'Interne Notiz' }).click();
    await colleague.getByPlaceholder(/Notiz für Kollegen/).fill(`@${handle} bitte einmal ansehen`);
    await colleague.getByRole('button', { name: 'Notiz hinzufügen' }).click();
    await page.getByText(/Bernd Berger mentioned you in #\d+/).waitFor();
    await context.close();
    await page.getByTestId('presence').waitFor({ state: 'detached' });
  });

  it('assigns, labels and resolves the conversation', async () => {
    await page.getByRole('button', { name: 'Assign to me' }).first().click();
    await page.locator('.timeline-activity', { hasText: 'assigned to Ada Admin' }).waitFor();
    await page.getByTestId('add-label').fill('VIP');
    await page.getByTestId('add-label').press('Enter');
    await page.locator('.label-chip-removable', { hasText: 'VIP' }).waitFor();
    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe('Resolved');
    const stored = await workspace.tenant.api.get(`/api/v1/conversations/${liveConversationId}`);
    expect(stored.body).toMatchObject({
      status: 'resolved',
      assigneeId: workspace.tenant.admin.id,
      labels: ['VIP'],
    });
    await screenshot(page, '04-conversation-resolved');
  });

  it("opens the customer panel with the customer's older conversation from another channel", async () => {
    if (!(await page.getByTestId('customer-panel').isVisible()))
      await page.getByTestId('toggle-customer').click();
    const previous = page.getByTestId('previous-conversations');
    await previous.getByText(`#${olderConversationNumber}`).waitFor();
    expect(await previous.locator('.previous-channel', { hasText: 'WhatsApp Business' }).count()).toBe(1);
    expect(
      await page.getByTestId('customer-panel').locator('.identity-value', { hasText: customerEmail }).count(),
    ).toBe(1);
    await page.getByTestId('all-interactions').click();
    await page.locator('.timeline-item', { hasText: 'Ist der Gutschein noch gültig?' }).waitFor();
    await screenshot(page, '05-customer-panel-all-interactions');
  });

  it("keeps a stranger's answer to a thread apart, linked to the conversation it answered", async () => {
    const channel = await givenEmailChannel(workspace.tenant);
    const messageId = `<${unique('bernd')}@kunde.example>`;
    const original = await receiveMail(
      app,
      channel,
      await buildMail({ from: `${unique('bernd')}@kunde.example`, to: channel.address, messageId }),
    );
    const stranger = await receiveMail(
      app,
      channel,
      await buildMail({
        from: `${unique('mallory')}@evil.example`,
        to: channel.address,
        inReplyTo: messageId,
      }),
    );
    const { number } = (await workspace.tenant.api.get(`/api/v1/conversations/${original.conversationId}`))
      .body;
    await page.goto(`${app.url}/inbox/${stranger.conversationId}?view=all`);
    const related = page.getByTestId('related-conversation');
    await related.getByRole('link', { name: `Related to #${number}` }).waitFor();
    await screenshot(page, '05b-related-conversation');
    await related.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`#${number}\\b`) }).waitFor();
    expect(await page.getByTestId('related-conversation').count()).toBe(0);
  });

  it('saves a view, acts on several conversations at once and moves through them by keyboard', async () => {
    await page.goto(`${app.url}/inbox?view=all`);
    await page.getByText('Jonas Weber').waitFor();
    await page.getByRole('combobox', { name: 'Priority' }).first().selectOption('high');
    await page.getByRole('button', { name: '+ Save current view' }).click();
    await page.getByPlaceholder('Name of the view').fill('Wichtig');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: /^Wichtig/ }).waitFor();
    expect(await page.locator('[data-conversation-id]').count()).toBe(1); // Mia, high priority

    await page.getByRole('button', { name: /^All/ }).click();
    await page.getByRole('checkbox', { name: /Select conversation #1$/ }).check();
    await page.getByRole('checkbox', { name: /Select conversation #3$/ }).check();
    await page.getByText('2 selected').first().waitFor();
    await screenshot(page, '05a-bulk-selection');
    await page.getByRole('combobox', { name: 'Set priority' }).selectOption('urgent');
    await page.getByText('2 conversations updated').waitFor();
    const urgent = await workspace.tenant.api.get('/api/v1/conversations?priority=urgent');
    expect(urgent.body.items.map((item: { number: number }) => item.number).sort()).toEqual([1, 3]);

    await page.locator('body').click({ position: { x: 900, y: 400 } });
    await page.keyboard.press('j');
    await page.getByRole('heading', { level: 1, name: /#\d+/ }).waitFor();
    const first = await page.getByRole('heading', { level: 1 }).textContent();
    await page.keyboard.press('j');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).not.toBe(first);
  });

  it('switches the whole UI to German and keeps it for the user', async () => {
    await page.goto(`${app.url}/inbox/${liveConversationId}?view=all&status=resolved`);
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    await page.locator('.top-bar').getByRole('combobox', { name: 'Language' }).selectOption('de');
    await page.getByRole('link', { name: 'Posteingang' }).waitFor();
    expect(await page.getByRole('button', { name: 'Wieder öffnen' }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: 'Interne Notiz' }).count()).toBe(1);
    await eventually(async () => (await workspace.tenant.api.get('/api/v1/me')).body.user.language === 'de');
    await screenshot(page, '06-german');
  });

  it('shows contacts, admin pages and the shortcut help', async () => {
    await page.getByRole('link', { name: 'Kontakte' }).click();
    await page.getByRole('heading', { name: 'Kontakte' }).waitFor();
    await page.getByText('Anna Schmidt').first().waitFor();
    await screenshot(page, '07-contacts');
    await page.getByRole('link', { name: 'Anna Schmidt' }).first().click();
    await page.locator('.timeline-item', { hasText: 'Ist der Gutschein noch gültig?' }).waitFor();
    await screenshot(page, '08-contact-detail');
    // Lukas turns out to be the same person: merge him in; his conversation joins Anna's story.
    await page.getByRole('button', { name: 'Mit anderem Kontakt zusammenführen' }).click();
    await page.getByRole('dialog').getByRole('searchbox').fill('Lukas');
    await page.getByRole('dialog').getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Lukas Becker in Anna Schmidt zusammenführen' }).click();
    await page.getByText('Kontakte zusammengeführt').waitFor();
    await page.locator('.timeline-item', { hasText: 'Where is my order 5521?' }).waitFor();
    await page.getByRole('link', { name: 'Verwaltung' }).click();
    await page.getByRole('heading', { name: 'Kanäle' }).waitFor();
    await page.getByText('WhatsApp Business').first().waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('SMS-Gateway');
    await page.getByRole('button', { name: 'API-Kanal anlegen' }).click();
    const secret = await page.getByTestId('channel-secret').textContent();
    expect(secret?.length).toBeGreaterThan(20);
    await screenshot(page, '09-admin-channels');
    await page.reload();
    await page.getByText('SMS-Gateway').first().waitFor();
    expect(await page.getByTestId('channel-secret').count()).toBe(0);
    await page.getByRole('link', { name: 'Posteingang' }).click();
    await page.keyboard.press('?');
    await page.getByRole('heading', { name: 'Tastenkürzel' }).waitFor();
    await screenshot(page, '10-shortcuts');
    await page.keyboard.press('Escape');
  });

  it('works on a tablet: views in a drawer, list and conversation side by side', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${app.url}/inbox/${liveConversationId}?view=all&status=open,resolved`);
    await page.getByRole('heading', { name: /Anna Schmidt/, level: 1 }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Ansichten' }).isVisible()).toBe(false);
    await screenshot(page, '11-tablet-landscape');
    await page.getByRole('button', { name: 'Ansichten öffnen' }).click();
    await page.getByRole('navigation', { name: 'Ansichten' }).waitFor();
    await screenshot(page, '11a-tablet-views-drawer');
    await page.getByRole('button', { name: 'Ansichten öffnen' }).click();
    await page.getByRole('navigation', { name: 'Ansichten' }).waitFor({ state: 'hidden' });
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('link', { name: 'Zurück zur Liste' }).click();
    await page.locator(`[data-conversation-id="${liveConversationId}"]`).waitFor();
    await screenshot(page, '12-tablet-portrait-list');
  });

  it('returns to the sign-in page with a notice when the session ends', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    const me = await (await page.request.get(`${app.url}/api/v1/me`)).json();
    // Signed out elsewhere (same cookie): the next request of this tab meets a 401.
    await page.request.post(`${app.url}/api/v1/auth/logout`, { headers: { 'x-csrf-token': me.csrfToken } });
    await page.getByRole('link', { name: 'Kontakte' }).click();
    await page.getByText('Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.').waitFor();
    await screenshot(page, '13-session-expired');
  });
});
