import type { ChannelAdapter, InboundMessage } from '../../channels/adapter.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { type DomainEventInput, OutboxInsert, recordEvents } from '../../platform/events/domain-events.ts';
import { newId } from '../../platform/ids.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ContactRow, IdentityRow } from '../contacts/contact.presenter.ts';
import { presentContact } from '../contacts/contact.presenter.ts';
import type { InboundContactResolver, LockedContact } from '../contacts/inbound-contact-resolver.ts';
import { detectLanguage } from '../contacts/language-detection.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import { insertAttachments, type StoredFile } from './attachment.service.ts';
import { audienceOf } from './conversation.policy.ts';
import {
  type AttachmentRow,
  type ConversationRow,
  presentConversation,
  presentMessage,
  previewOf,
} from './conversation.presenter.ts';
import { sanitizeMessageHtml } from './html-sanitizer.ts';
import {
  type ExternalMessageKey,
  findInboundMessages,
  type InboundActivity,
  type InboundMessageValues,
  insertInboundMessages,
  insertInboundMessagesWithEvents,
  receivedMessage,
  recordInboundActivities,
} from './inbound.repository.ts';
import { InboundThreading, type Thread } from './inbound-threading.ts';

/** An accepted inbound message on its way into the database; its files are already stored. */
export interface PendingInbound {
  channel: ChannelRow;
  inbound: InboundMessage;
  files: StoredFile[];
  raw: StoredFile | undefined;
  threading: ChannelAdapter['threading'];
  receivedAt: Date;
}

export interface StoredMessage {
  messageId: string;
  conversationId: string;
  contactId: string;
  duplicate: boolean;
}

/** How long batches look up provider ids first after a repeat was found by the insert. */
const DUPLICATE_PROBE_MS = 30_000;

/** A provider id of the batch is stored already (by an earlier or a concurrent transaction). */
export class DuplicateMessage extends Error {}

/** A stored message under the same provider id whose content differs: the sender reused the id. */
export function reusesId(stored: { contentHash: string | null }, inbound: InboundMessage): boolean {
  return (
    inbound.contentHash !== undefined &&
    stored.contentHash !== null &&
    stored.contentHash !== inbound.contentHash
  );
}

/**
 * The id a message that reuses a stored provider id is kept under: the id and its content hash, so a repeat of
 * that message finds it again. The space keeps it apart from real ids (no Message-ID contains one).
 */
export function distinctExternalId(inbound: InboundMessage): string {
  return `${inbound.externalId} ${inbound.contentHash!.slice(0, 32)}`;
}

const externalKeyOf = (pending: PendingInbound): ExternalMessageKey => ({
  tenantId: pending.channel.tenantId,
  channelId: pending.channel.id,
  externalId: pending.inbound.externalId,
});
const keyText = (key: ExternalMessageKey) => `${key.tenantId}|${key.channelId}|${key.externalId}`;

/**
 * Stores a batch of inbound messages in the caller's transaction, one statement per step for the whole
 * batch: dedupe → resolve contacts → lock them → thread → store messages → update conversations → record
 * events. The outcome is the same as storing the messages one after another in the batch's order.
 */
export class InboundBatchStore {
  private readonly threading: InboundThreading;
  /**
   * Until then, batches look up their provider ids before storing. Otherwise they store optimistically and
   * the message insert's unique key finds a repeat: the transaction fails as a whole (contacts and
   * conversations it created included) and each message is stored alone, the repeat answered as a
   * duplicate. A provider's retries are rare, so this saves a statement per batch; once one shows up,
   * batches probe again for a while, so a retry storm costs no rolled-back batches.
   */
  private probeDuplicatesUntil = 0;

  constructor(
    private readonly platform: Platform,
    private readonly contacts: InboundContactResolver,
    private readonly tenants: TenantService,
  ) {
    this.threading = new InboundThreading(tenants);
  }

  async store(tx: Tx, batch: PendingInbound[]): Promise<StoredMessage[]> {
    const results: StoredMessage[] = [];
    const probe = batch.length === 1 || Date.now() < this.probeDuplicatesUntil;
    const { fresh, repeats } = await this.dedupe(tx, batch, results, probe);
    if (fresh.length === 0) return results;

    const resolved = await this.contacts.resolveAll(
      tx,
      fresh.map(({ item }) => ({
        tenantId: item.channel.tenantId,
        from: item.inbound.from,
        channelId: item.channel.id,
      })),
    );
    // The contacts are locked now; one row per contact, so a detected language shows in all its messages.
    const contactRows = new Map<string, LockedContact>();
    for (const { contactId, contact } of resolved)
      if (!contactRows.has(contactId)) contactRows.set(contactId, contact);
    const threads = await this.threading.threadAll(
      tx,
      fresh.map(({ item }, index) => ({
        channel: item.channel,
        inbound: item.inbound,
        threading: item.threading,
        contactId: resolved[index]!.contactId,
        senderValue: resolved[index]!.identity.value,
        receivedAt: item.receivedAt,
      })),
    );

    // Languages as the messages would have set them one after another: the first detection fills a gap.
    const conversationLanguage = new Map(
      threads.map(({ conversation }) => [conversation.id, conversation.language]),
    );
    const detectedLanguages: { contact: LockedContact; language: string }[] = [];
    const detections = fresh.map(({ item }) =>
      detectLanguage(item.inbound.text || item.inbound.subject || ''),
    );
    const values: InboundMessageValues[] = [];
    for (const [index, { item }] of fresh.entries()) {
      const { channel, inbound } = item;
      const conversation = threads[index]!.conversation;
      const contact = contactRows.get(resolved[index]!.contactId);
      const detected = detections[index];
      const tenant = await this.tenants.cached(channel.tenantId);
      const language =
        detected ?? conversationLanguage.get(conversation.id) ?? contact?.language ?? tenant.defaultLanguage;
      if (detected && !conversationLanguage.get(conversation.id))
        conversationLanguage.set(conversation.id, detected);
      if (detected && contact) detectedLanguages.push({ contact, language: detected });
      values.push({
        tenantId: channel.tenantId,
        id: newId(),
        conversationId: conversation.id,
        contactId: resolved[index]!.contactId,
        channelId: channel.id,
        identityId: resolved[index]!.identity.id,
        text: inbound.text,
        html: inbound.html ? sanitizeMessageHtml(inbound.html) : null,
        subject: inbound.subject ?? null,
        externalId: inbound.externalId,
        language,
        metadata: metadataOf(item, threads[index]!),
        createdAt: item.receivedAt,
      });
    }
    await this.contacts.setDetectedLanguages(tx, detectedLanguages);
    // The conversations first: their new state is announced, and each message's event goes to its audience.
    const updated = await recordInboundActivities(
      tx,
      activitiesOf(
        fresh.map(({ item }) => item),
        threads,
        values,
        detections,
      ),
    );
    const byId = new Map(updated.map((conversation) => [conversation.id, conversation]));
    const events = (files: Map<string, AttachmentRow[]>): DomainEventInput[] => [
      ...resolved.flatMap(({ created, contactId }) => {
        // As created, with the language the first message showed.
        const locked = contactRows.get(contactId);
        return created ? [contactCreated({ ...created.contact, ...locked }, created.identity)] : [];
      }),
      ...updated.map((conversation) =>
        conversationEvent(conversation, threads, contactRows.get(conversation.contactId)?.name ?? null),
      ),
      ...values.map((message) => ({
        tenantId: message.tenantId,
        type: 'message.created',
        entityType: 'message',
        entityId: message.id,
        payload: presentMessage(receivedMessage(message), files.get(message.id)),
        audience: audienceOf(byId.get(message.conversationId)!),
      })),
    ];
    const duplicate = () => {
      this.probeDuplicatesUntil = Date.now() + DUPLICATE_PROBE_MS;
      return new DuplicateMessage();
    };

    if (fresh.every(({ item }) => item.files.length === 0)) {
      // Messages and their events in one statement: one round trip less for every batch without files.
      const outbox = new OutboxInsert(events(new Map()));
      const stored = await insertInboundMessagesWithEvents(tx, values, outbox);
      if (stored.messages.length !== values.length) throw duplicate();
      await outbox.publish(tx, this.platform.bus, stored.events);
    } else {
      // A file's row refers to its message: messages, then files, then the events that present both.
      const inserted = await insertInboundMessages(tx, values);
      if (inserted.length !== values.length) throw duplicate();
      const files = new Map<string, AttachmentRow[]>();
      for (const [index, { item }] of fresh.entries()) {
        if (item.files.length === 0) continue;
        files.set(
          values[index]!.id,
          await insertAttachments(tx, item.channel.tenantId, values[index]!.id, item.files),
        );
      }
      await recordEvents(tx, this.platform.bus, events(files));
    }

    for (const [index, { position }] of fresh.entries()) {
      const { id, conversationId, contactId } = values[index]!;
      results[position] = { messageId: id, conversationId, contactId, duplicate: false };
    }
    for (const { position, first } of repeats) results[position] = { ...results[first]!, duplicate: true };
    return results;
  }

  /**
   * Fills in the results of messages stored earlier (when probing). Answers the others with their position in
   * the batch, and the repeats of a provider id within the batch, which answer what its first occurrence
   * stored.
   */
  private async dedupe(
    tx: Tx,
    batch: PendingInbound[],
    results: StoredMessage[],
    probe: boolean,
  ): Promise<{
    fresh: { item: PendingInbound; position: number }[];
    repeats: { position: number; first: number }[];
  }> {
    const stored = new Map(
      (probe ? await findInboundMessages(tx, batch.map(externalKeyOf)) : []).map((row) => [
        keyText(row),
        row,
      ]),
    );
    const firsts = new Map<string, number>();
    const fresh: { item: PendingInbound; position: number }[] = [];
    const repeats: { position: number; first: number }[] = [];
    for (const [position, item] of batch.entries()) {
      const key = keyText(externalKeyOf(item));
      const existing = stored.get(key);
      // Another message under a stored id: the caller stores it alone, under an id of its own.
      if (existing && reusesId(existing, item.inbound)) throw new DuplicateMessage();
      if (existing) {
        results[position] = {
          messageId: existing.id,
          conversationId: existing.conversationId,
          contactId: existing.contactId,
          duplicate: true,
        };
        continue;
      }
      const first = firsts.get(key);
      if (first !== undefined && batch[first]!.inbound.contentHash !== item.inbound.contentHash)
        throw new DuplicateMessage();
      if (first !== undefined) repeats.push({ position, first });
      else {
        firsts.set(key, position);
        fresh.push({ item, position });
      }
    }
    return { fresh, repeats };
  }
}

function metadataOf({ inbound, raw }: PendingInbound, thread: Thread): Record<string, unknown> {
  return {
    ...(inbound.metadata ?? {}),
    // On the message too, so the timeline says why it did not join the conversation it answers.
    ...(thread.related
      ? { relatedConversation: { id: thread.related.conversationId, reason: thread.related.reason } }
      : {}),
    ...(inbound.contentHash ? { contentHash: inbound.contentHash } : {}),
    ...(inbound.sentAt ? { sentAt: inbound.sentAt.toISOString() } : {}),
    ...(inbound.cc?.length ? { cc: inbound.cc.map((participant) => participant.value.toLowerCase()) } : {}),
    ...(raw
      ? {
          raw: {
            storageKey: raw.storageKey,
            size: raw.size,
            sha256: raw.sha256,
            contentType: raw.contentType,
          },
        }
      : {}),
  };
}

/** One activity per conversation, in the order the batch first touched them. */
function activitiesOf(
  items: PendingInbound[],
  threads: Thread[],
  values: InboundMessageValues[],
  detections: (string | undefined)[],
): InboundActivity[] {
  const activities = new Map<string, InboundActivity>();
  for (const [index, item] of items.entries()) {
    const message = values[index]!;
    const preview = previewOf(
      item.inbound.text || item.inbound.subject || item.files.map((file) => file.filename).join(', '),
    );
    const detected = detections[index] ?? null;
    const conversationId = threads[index]!.conversation.id;
    const activity = activities.get(conversationId);
    if (!activity) {
      activities.set(conversationId, {
        tenantId: message.tenantId,
        conversationId,
        firstAt: message.createdAt,
        lastAt: message.createdAt,
        channelId: message.channelId,
        identityId: message.identityId,
        preview,
        count: 1,
        subject: message.subject,
        language: detected,
      });
      continue;
    }
    if (message.createdAt > activity.lastAt) activity.lastAt = message.createdAt;
    if (message.createdAt < activity.firstAt) activity.firstAt = message.createdAt;
    activity.channelId = message.channelId;
    activity.identityId = message.identityId;
    activity.preview = preview;
    activity.count++;
    activity.subject ??= message.subject;
    activity.language ??= detected;
  }
  return [...activities.values()];
}

function contactCreated(contact: ContactRow, identity: IdentityRow): DomainEventInput {
  return {
    tenantId: contact.tenantId,
    type: 'contact.created',
    entityType: 'contact',
    entityId: contact.id,
    payload: presentContact(contact, [identity]),
  };
}

/** Created when the batch opened it; else updated, and marked reopened when it was not open before. */
function conversationEvent(
  conversation: ConversationRow,
  threads: Thread[],
  contactName: string | null,
): DomainEventInput {
  const touched = threads.filter((thread) => thread.conversation.id === conversation.id);
  const opened = touched.some((thread) => thread.opened);
  const reopened = !opened && touched[0]!.conversation.status !== 'open';
  return {
    tenantId: conversation.tenantId,
    type: opened ? 'conversation.created' : 'conversation.updated',
    entityType: 'conversation',
    entityId: conversation.id,
    payload: { ...presentConversation(conversation, contactName), ...(reopened ? { reopened: true } : {}) },
    audience: audienceOf(conversation),
  };
}
