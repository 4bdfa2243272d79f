import type { Unisono } from '../app.ts';
import type { ChannelRow } from '../modules/channels/channel.presenter.ts';
import type { UpdateConversationBody } from '../modules/conversations/conversations.schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { Actor } from '../platform/http/auth.ts';
import { randomToken } from '../platform/security/crypto.ts';
import { type ContactPlan, planContacts } from './demo-contacts.ts';
import type { TeamKey } from './demo-corpus.ts';
import {
  CHANNELS,
  type ConversationPlan,
  contactCreatedAt,
  planConversations,
  STAFF,
  type TriagePlan,
} from './demo-plan.ts';

export interface DemoOptions {
  /** Fewer contacts and conversations make a quick test; the defaults make a lived-in inbox. */
  contacts?: number;
  conversations?: number;
}

export interface DemoResult {
  tenantSlug: string;
  email: string;
  password: string;
}

const TEAM_NAMES: Record<TeamKey, string> = { support: 'Support DE', billing: 'Billing' };

interface Loaded {
  unisono: Unisono;
  tenantId: string;
  staff: Actor[];
  teamIds: Record<TeamKey, string>;
  channels: ChannelRow[];
  contactIds: string[];
}

/**
 * Creates a tenant full of plausible customer service: staff and teams, API channels, contacts with
 * several identities, and conversations in German and English. The same seed always tells the same
 * stories; only the timestamps follow the clock (spread over the last 30 days).
 */
export async function loadDemo(
  unisono: Unisono,
  tenantSlug: string,
  progress: (line: string) => void,
  options: DemoOptions = {},
): Promise<DemoResult> {
  const started = Date.now();
  const contacts = planContacts(options.contacts ?? 300);
  const conversations = planConversations(contacts, options.conversations ?? 400, started);
  const password = randomToken(12);
  // One transaction: a load that fails halfway leaves nothing behind and can simply be run again.
  const messageCount = await unisono.platform.database.transaction(async () => {
    const loaded = await createTenant(unisono, tenantSlug, password, progress);
    for (const [index, contact] of contacts.entries()) {
      loaded.contactIds.push(await createContact(loaded, contact));
      reportEvery(progress, 'contacts', index + 1, contacts.length);
    }
    let messages = 0;
    for (const [index, conversation] of conversations.entries()) {
      messages += await loadConversation(loaded, conversation, index);
      reportEvery(progress, 'conversations', index + 1, conversations.length);
    }
    await backdateContacts(loaded, contactCreatedAt(contacts, conversations, started));
    return messages;
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  progress(
    `Loaded ${contacts.length} contacts, ${conversations.length} conversations and ${messageCount} messages in ${seconds} s`,
  );
  return { tenantSlug, email: emailOf(STAFF[0]!.name, tenantSlug, STAFF[0]!.role), password };
}

async function createTenant(
  unisono: Unisono,
  tenantSlug: string,
  password: string,
  progress: (line: string) => void,
): Promise<Loaded> {
  const { services } = unisono;
  if (await services.tenants.findBySlug(tenantSlug)) {
    throw new DomainError(
      'conflict',
      `A tenant with slug ${tenantSlug} already exists; load the demo under another one with --tenant`,
    );
  }
  const tenant = await services.tenants.create(null, {
    slug: tenantSlug,
    name: 'Nordlicht Versand GmbH (Demo)',
    defaultLanguage: 'de',
    timeZone: 'Europe/Berlin',
    defaultCountry: 'DE',
    senderAddresses: [],
    reopenWindowMinutes: 60,
  });
  progress(`Tenant ${tenantSlug} created`);
  const loaded: Loaded = {
    unisono,
    tenantId: tenant.id,
    ...(await createStaff(unisono, tenant.id, tenantSlug, password, progress)),
    channels: [],
    contactIds: [],
  };
  for (const channel of CHANNELS) {
    const created = await services.channels.create(loaded.staff[0]!, {
      kind: 'api',
      name: channel.name,
      settings: {},
    });
    loaded.channels.push(created.channel);
  }
  progress(`Channels: ${CHANNELS.map((channel) => channel.name).join(', ')}`);
  return loaded;
}

function reportEvery(progress: (line: string) => void, what: string, done: number, total: number) {
  if (done % 50 === 0 || done === total) progress(`${what} ${done}/${total}`);
}

function emailOf(name: string, tenantSlug: string, role: string): string {
  const local = role === 'admin' ? 'admin' : name.toLowerCase().replaceAll(' ', '.');
  return `${local}@${tenantSlug}.demo`;
}

/** Staff share one password so a newcomer can sign in as an agent too and compare the views. */
async function createStaff(
  unisono: Unisono,
  tenantId: string,
  tenantSlug: string,
  password: string,
  progress: (line: string) => void,
) {
  const { users } = unisono.services;
  const members = [];
  for (const person of STAFF) {
    const email = emailOf(person.name, tenantSlug, person.role);
    members.push(
      await users.create(tenantId, null, { email, name: person.name, role: person.role, password }),
    );
  }
  const admin = actorFor(tenantId, members[0]!.id, 'admin', []);
  const teamIds = {} as Record<TeamKey, string>;
  for (const key of Object.keys(TEAM_NAMES) as TeamKey[]) {
    const memberIds = members
      .filter((_, index) => STAFF[index]!.teams.includes(key))
      .map((member) => member.id);
    teamIds[key] = (await users.saveTeam(tenantId, admin, { name: TEAM_NAMES[key], memberIds })).id;
  }
  const staff = members.map((member, index) =>
    actorFor(
      tenantId,
      member.id,
      member.role,
      STAFF[index]!.teams.map((key) => teamIds[key]),
    ),
  );
  const accounts = members.slice(1).map((member) => `${member.email} (${member.role})`);
  progress(`Staff (same password as the admin): ${accounts.join(', ')}`);
  progress(`Teams: ${Object.values(TEAM_NAMES).join(', ')}`);
  return { staff, teamIds };
}

function actorFor(tenantId: string, userId: string, role: Actor['role'], teamIds: string[]): Actor {
  return { tenantId, userId, role, isPlatformAdmin: false, teamIds, via: 'token' };
}

async function createContact(loaded: Loaded, contact: ContactPlan): Promise<string> {
  const created = await loaded.unisono.services.contacts.create(loaded.staff[0]!, {
    name: contact.name,
    language: contact.language,
    customAttributes: contact.customAttributes,
    identities: contact.identities.map((identity) => ({
      kind: identity.kind,
      value: identity.value,
      verified: identity.verified,
    })),
  });
  return created.contact.id;
}

/**
 * Plays one conversation through the services, step by step, then moves each step's rows back to
 * the planned moment: the services stamp "now", the demo wants a month of history.
 */
async function loadConversation(loaded: Loaded, plan: ConversationPlan, index: number): Promise<number> {
  const { services } = loaded.unisono;
  const channel = loaded.channels[plan.channel]!;
  const contactId = loaded.contactIds[plan.contact]!;
  let conversationId = '';
  let messages = 0;
  let waitingSince: Date | null = null;
  let firstResponseAt: Date | null = null;
  for (const step of plan.steps) {
    const at = new Date(plan.start + step.offset);
    const since = new Date();
    if (step.kind === 'inbound') {
      const result = await services.inbound.ingest(channel, {
        externalId: `demo-${index}-${messages}`,
        from: plan.from,
        text: step.text,
        subject: plan.subject,
        threadKey: `demo-${index}`,
        attachments: [],
      });
      if (result.type !== 'message' || result.contactId !== contactId)
        throw new Error(`demo message ${index} did not reach its contact`);
      conversationId = result.conversationId;
      waitingSince ??= at;
      messages++;
    } else if (step.kind === 'reply') {
      const { message } = await services.outbound.reply(loaded.staff[step.author]!, conversationId, {
        text: step.text,
        attachments: [],
      });
      await markDelivered(loaded, message.id, at, step.read);
      firstResponseAt ??= at;
      waitingSince = null;
      messages++;
    } else if (step.kind === 'note') {
      await services.outbound.note(loaded.staff[step.author]!, conversationId, { text: step.text });
    } else {
      const changes = updateFor(loaded, step.triage);
      await services.conversations.update(loaded.staff[step.author]!, conversationId, changes);
    }
    await moveStep(loaded, conversationId, since, at);
  }
  const lastActivityAt = new Date(plan.start + plan.steps.at(-1)!.offset);
  await loaded.unisono.platform.database.executeSql(
    `update conversations set created_at = $3, updated_at = $4, last_activity_at = $4, waiting_since = $5,
       first_response_at = $6, resolved_at = case when resolved_at is null then null else $4::timestamptz end
     where tenant_id = $1 and id = $2`,
    [loaded.tenantId, conversationId, new Date(plan.start), lastActivityAt, waitingSince, firstResponseAt],
  );
  return messages;
}

/** Moves the rows one step just wrote to the planned moment, keeping their order. */
async function moveStep(loaded: Loaded, conversationId: string, since: Date, at: Date) {
  await loaded.unisono.platform.database.executeSql(
    `with step as (
       select id, created_at - min(created_at) over () as delay from messages
       where tenant_id = $1 and conversation_id = $2 and created_at >= $3
     )
     update messages set created_at = $4::timestamptz + step.delay
     from step where messages.tenant_id = $1 and messages.id = step.id`,
    [loaded.tenantId, conversationId, since, at],
  );
}

function updateFor(loaded: Loaded, triage: TriagePlan): UpdateConversationBody {
  const { team, assignee, ...changes } = triage;
  return {
    ...changes,
    ...(team ? { teamId: loaded.teamIds[team] } : {}),
    ...(assignee === undefined ? {} : { assigneeId: loaded.staff[assignee]!.userId }),
  };
}

/**
 * The demo channels have no webhook, so a real delivery attempt would fail; the demo shows replies as
 * the customer's app would have reported them instead. A queued delivery job then finds nothing to do.
 */
async function markDelivered(loaded: Loaded, messageId: string, at: Date, read: boolean) {
  const second = 1000;
  await loaded.unisono.platform.database.executeSql(
    `update messages set status = $3, sent_at = $4, delivered_at = $5, read_at = $6, attempts = 1,
       status_reason = null, failed_at = null, next_attempt_at = null
     where tenant_id = $1 and id = $2`,
    [
      loaded.tenantId,
      messageId,
      read ? 'read' : 'delivered',
      new Date(at.getTime() + 2 * second),
      new Date(at.getTime() + 9 * second),
      read ? new Date(at.getTime() + 240 * second) : null,
    ],
  );
}

/** Contacts became customers before they first wrote; identities were last seen at their last message. */
async function backdateContacts(loaded: Loaded, createdAt: Date[]) {
  const { database } = loaded.unisono.platform;
  await database.executeSql(
    `update contacts set created_at = planned.at, updated_at = planned.at
     from unnest($2::uuid[], $3::timestamptz[]) as planned(id, at)
     where contacts.tenant_id = $1 and contacts.id = planned.id`,
    [loaded.tenantId, loaded.contactIds, createdAt],
  );
  await database.executeSql(
    `with seen as (
       select identity_id, max(created_at) as at from messages
       where tenant_id = $1 and direction = 'inbound' group by identity_id
     )
     update contact_identities set first_seen_at = contacts.created_at,
       last_seen_at = coalesce((select at from seen where seen.identity_id = contact_identities.id), contacts.created_at)
     from contacts
     where contact_identities.tenant_id = $1 and contacts.tenant_id = $1
       and contacts.id = contact_identities.contact_id`,
    [loaded.tenantId],
  );
}
