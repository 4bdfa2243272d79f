import { randomUUID } from 'node:crypto';
import { mergeSuggestions } from '../../src/modules/contacts/contacts.tables.ts';
import { upsertFailedInboundEmail } from '../../src/modules/email/failed-inbound-email.repository.ts';
import { crmActivities } from '../../src/modules/integrations/crm.tables.ts';
import { newId } from '../../src/platform/ids.ts';
import { type GivenTenant, givenAgent, givenApiChannel, receiveApiMessage, unique } from './factories.ts';
import type { TestApp } from './test-app.ts';

/** One of every kind of tenant-owned entity, by kind, plus the words only this tenant's data contains. */
export interface TenantFixture {
  ids: Record<EntityKind, string>;
  /** The invitation link's token (the link itself is a credential). */
  invitationToken: string;
  /** The email of the member in ids.user. */
  memberEmail: string;
  /** Distinctive strings of this tenant's data (names, emails, texts) another tenant must never read. */
  words: string[];
}

export type EntityKind =
  | 'conversation'
  | 'message'
  | 'contact'
  /** A second contact, for bodies that name contacts besides the one in the path. */
  | 'otherContact'
  | 'identity'
  | 'channel'
  | 'team'
  | 'user'
  | 'token'
  | 'attachment'
  | 'label'
  | 'cannedAnswer'
  | 'attribute'
  | 'savedView'
  | 'invitation'
  | 'merge'
  | 'mergeSuggestion'
  | 'failedInboundEmail'
  | 'crmActivity';

const ok = <T extends { status: number; body: any }>(response: T, what: string): T => {
  if (response.status >= 300)
    throw new Error(`${what} failed ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
};

/** Builds the fixture through the API where one exists; rows with no creating route go in through SQL. */
export async function buildTenantFixture(app: TestApp, tenant: GivenTenant): Promise<TenantFixture> {
  const marker = unique('secret');
  const words: string[] = [marker, tenant.admin.email];
  const member = await givenAgent(app, tenant);
  const memberName = unique('Member name');
  ok(await tenant.api.patch(`/api/v1/users/${member.id}`, { name: memberName }), 'rename member');
  words.push(member.email, memberName);

  const channelName = unique('Channel');
  const channel = await givenApiChannel(tenant, {}, channelName);
  const customerEmail = `${unique('customer')}@example.de`;
  const inbound = await receiveApiMessage(app, channel, {
    from: { kind: 'email', value: customerEmail, name: unique('Customer') },
    text: `Message ${marker}`,
    attachments: [
      {
        filename: 'b.txt',
        contentType: 'text/plain',
        data: Buffer.from(`file ${marker}`).toString('base64'),
      },
    ],
  });
  words.push(channelName, customerEmail);
  const messages = ok(
    await tenant.api.get(`/api/v1/conversations/${inbound.conversationId}/messages`),
    'messages',
  );
  const contact = ok(await tenant.api.get(`/api/v1/contacts/${inbound.contactId}`), 'contact');
  const teamName = unique('Team');
  const team = ok(await tenant.api.post('/api/v1/teams', { name: teamName, memberIds: [member.id] }), 'team');
  const labelName = unique('label').toLowerCase();
  const label = ok(await tenant.api.post('/api/v1/labels', { name: labelName }), 'label');
  const canned = ok(
    await tenant.api.post('/api/v1/canned-answers', {
      shortcut: unique('sc').replace('-', ''),
      title: unique('Canned'),
      body: `Canned ${marker}`,
    }),
    'canned answer',
  );
  const attributeKey = `k${randomUUID().slice(0, 8)}`;
  const attribute = ok(
    await tenant.api.post('/api/v1/contact-attributes', {
      key: attributeKey,
      label: unique('Attr'),
      type: 'text',
    }),
    'attribute',
  );
  const viewName = unique('View');
  const view = ok(await tenant.api.post('/api/v1/inbox/views', { name: viewName, filters: {} }), 'view');
  const inviteeEmail = `${unique('invitee')}@example.test`;
  const invitation = ok(
    await tenant.api.post('/api/v1/users', { email: inviteeEmail, name: unique('Invitee') }),
    'invite',
  );
  const survivor = ok(await tenant.api.post('/api/v1/contacts', { name: unique('Survivor') }), 'contact');
  const merged = ok(await tenant.api.post('/api/v1/contacts', { name: unique('Merged') }), 'contact');
  const merge = ok(
    await tenant.api.post(`/api/v1/contacts/${survivor.body.id}/merge`, { contactIds: [merged.body.id] }),
    'merge',
  );
  const tokens = ok(await tenant.api.get('/api/v1/tokens'), 'tokens');
  words.push(teamName, labelName, canned.body.title, attributeKey, viewName, inviteeEmail);
  words.push(contact.body.name ?? customerEmail, survivor.body.name, merged.body.name);

  const { db } = app.unisono.platform.database;
  const [suggestion] = await db
    .insert(mergeSuggestions)
    .values({
      tenantId: tenant.id,
      id: newId(),
      contactId: survivor.body.id,
      candidateId: inbound.contactId,
      reason: 'same_name',
    })
    .returning();
  const failed = await upsertFailedInboundEmail(db, {
    tenantId: tenant.id,
    channelId: channel.id,
    source: 'smtp',
    reason: 'unparseable',
    error: 'broken MIME',
    sender: customerEmail,
    subject: `Subject ${marker}`,
    rawStorageKey: `missing/${marker}`,
    rawSize: 1,
    rawSha256: randomUUID(),
    envelope: { to: [] },
  });
  const [activity] = await db
    .insert(crmActivities)
    .values({
      tenantId: tenant.id,
      id: newId(),
      dedupeKey: marker,
      conversationId: inbound.conversationId,
      conversationNumber: 1,
      payload: { marker },
      status: 'failed',
    })
    .returning();

  return {
    ids: {
      conversation: inbound.conversationId,
      message: inbound.messageId,
      contact: inbound.contactId,
      otherContact: survivor.body.id,
      identity: contact.body.identities[0].id,
      channel: channel.id,
      team: team.body.id,
      user: member.id,
      token: tokens.body.items[0].id,
      attachment: messages.body.items[0].attachments[0].id,
      label: label.body.id,
      cannedAnswer: canned.body.id,
      attribute: attribute.body.id,
      savedView: view.body.id,
      invitation: invitation.body.id,
      merge: merge.body.mergeIds[0],
      mergeSuggestion: suggestion!.id,
      failedInboundEmail: failed.id,
      crmActivity: activity!.id,
    },
    invitationToken: invitation.body.token,
    memberEmail: member.email,
    words: words.filter(Boolean),
  };
}
