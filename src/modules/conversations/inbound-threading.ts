import type { ChannelAdapter, InboundMessage } from '../../channels/adapter.ts';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import type { ConversationRow } from './conversation.presenter.ts';
import * as repository from './conversation.repository.ts';
import { conversations } from './conversations.tables.ts';
import {
  type ContactChannelKey,
  findOpenConversations,
  findReopenableConversations,
  insertConversations,
  isThreadParticipant,
  type NewConversation,
  type ThreadedConversation,
} from './inbound.repository.ts';

export interface ThreadRequest {
  channel: ChannelRow;
  inbound: InboundMessage;
  threading: ChannelAdapter['threading'];
  contactId: string;
  /** The sender's normalised identity value (participants may thread by a quoted conversation number). */
  senderValue: string;
  receivedAt: Date;
}

export type RelatedReason = 'reply_address' | 'in_reply_to' | 'conversation_number';

/** A conversation a message pointed at but may not join: its sender is not one of that conversation's people. */
export interface RelatedConversation {
  conversationId: string;
  reason: RelatedReason;
}

/** The conversation a message goes into, as it was before this batch touched it. */
export interface Thread {
  conversation: ThreadedConversation;
  /** Opened by this batch. */
  opened: boolean;
  /** Set when the message opened its own conversation instead of joining the one it pointed at. */
  related?: RelatedConversation;
}

const usable = (conversation: ConversationRow | undefined) =>
  conversation && conversation.status !== 'closed' ? conversation : undefined;

const keyOf = (key: ContactChannelKey) => `${key.tenantId}|${key.contactId}|${key.channelId}`;

/**
 * Where each message of a batch belongs, strongest evidence first: a verified conversation reference, a
 * reply to a message we know, a quoted conversation number (only from a participant), the provider's thread
 * key; then, for per-contact channels, the customer's open conversation on the channel (or a recently
 * resolved one within the tenant's reopen window); else a new conversation. The common case (per-contact,
 * no hints) is looked up and created for the whole batch at once; messages of one customer in one batch
 * share the conversation, as if they had come one after another.
 */
export class InboundThreading {
  constructor(private readonly tenants: TenantService) {}

  async threadAll(tx: Tx, requests: ThreadRequest[]): Promise<Thread[]> {
    const perContact = requests.map(
      (request) => request.threading === 'per-contact' && !request.inbound.threadKey,
    );
    const threads = await this.existingThreads(
      tx,
      requests.filter((_, index) => perContact[index]),
    );
    const result: Thread[] = [];
    const planned: NewConversation[] = [];
    for (const [index, request] of requests.entries()) {
      const key = keyOf({
        tenantId: request.channel.tenantId,
        contactId: request.contactId,
        channelId: request.channel.id,
      });
      const hinted = await this.hintedConversation(tx, request);
      const thread = hinted.conversation
        ? { conversation: hinted.conversation, opened: false }
        : hinted.related
          ? await this.threadOne(tx, request, hinted.related)
          : perContact[index]
            ? threads.get(key)
            : await this.threadOne(tx, request);
      if (thread) {
        // A later message of the customer on this channel joins it, as the newest open conversation.
        const { contactId, channelId } = thread.conversation;
        if (contactId === request.contactId && channelId === request.channel.id) threads.set(key, thread);
        result.push(thread);
        continue;
      }
      const entry: NewConversation = {
        tenantId: request.channel.tenantId,
        id: newId(),
        contactId: request.contactId,
        channelId: request.channel.id,
        subject: request.inbound.subject ?? null,
        createdAt: request.receivedAt,
      };
      planned.push(entry);
      // Filled in below, once the batch's new conversations are inserted.
      const opened = {
        conversation: {
          id: entry.id,
          contactId: entry.contactId,
          channelId: entry.channelId,
        } as ConversationRow,
        opened: true,
      };
      threads.set(key, opened);
      result.push(opened);
    }
    const inserted = new Map((await insertConversations(tx, planned)).map((row) => [row.id, row]));
    for (const thread of result) {
      const row = inserted.get(thread.conversation.id);
      if (row) thread.conversation = row;
    }
    return result;
  }

  /** The open (or reopenable) conversation of each customer and channel in the batch, by key. */
  private async existingThreads(tx: Tx, requests: ThreadRequest[]): Promise<Map<string, Thread>> {
    const keys = new Map<string, ContactChannelKey & { receivedAt: Date }>();
    for (const request of requests) {
      const key = {
        tenantId: request.channel.tenantId,
        contactId: request.contactId,
        channelId: request.channel.id,
      };
      if (!keys.has(keyOf(key))) keys.set(keyOf(key), { ...key, receivedAt: request.receivedAt });
    }
    const threads = new Map<string, Thread>();
    for (const conversation of await findOpenConversations(tx, [...keys.values()])) {
      const newest = threads.get(keyOf(conversation))?.conversation;
      if (!newest || conversation.lastActivityAt > newest.lastActivityAt)
        threads.set(keyOf(conversation), { conversation, opened: false });
    }

    const reopenable: (ContactChannelKey & { resolvedAfter: Date })[] = [];
    for (const [key, wanted] of keys) {
      if (threads.has(key)) continue;
      const tenant = await this.tenants.cached(wanted.tenantId);
      if (tenant.reopenWindowMinutes <= 0) continue;
      const resolvedAfter = new Date(wanted.receivedAt.getTime() - tenant.reopenWindowMinutes * 60_000);
      reopenable.push({ ...wanted, resolvedAfter });
    }
    for (const conversation of await findReopenableConversations(tx, reopenable))
      threads.set(keyOf(conversation), { conversation, opened: false });
    return threads;
  }

  /** A message with a provider thread key, on a per-thread channel, or kept out of a thread: one at a time. */
  private async threadOne(tx: Tx, request: ThreadRequest, related?: RelatedConversation): Promise<Thread> {
    const { channel, inbound } = request;
    const tenantId = channel.tenantId;
    if (inbound.threadKey && !related) {
      const threaded = await repository.findByThreadKey(tx.db, tenantId, channel.id, inbound.threadKey);
      if (threaded && threaded.status !== 'closed') return { conversation: threaded, opened: false };
      if (threaded) {
        // A closed thread stays closed; its key moves to the new conversation.
        await repository.updateConversation(tx.db, tenantId, threaded.id, { externalThreadId: null });
      }
    }
    const [conversation] = await tx.db
      .insert(conversations)
      .values({
        tenantId,
        id: newId(),
        contactId: request.contactId,
        channelId: channel.id,
        status: 'open',
        subject: inbound.subject ?? null,
        externalThreadId: related ? null : (inbound.threadKey ?? null),
        relatedConversationId: related?.conversationId ?? null,
        lastActivityAt: request.receivedAt,
        createdAt: request.receivedAt,
      })
      .returning();
    return { conversation: conversation!, opened: true, ...(related ? { related } : {}) };
  }

  /**
   * The conversation the message's hints point at, strongest first, if its sender may join it: the conversation's
   * customer (any identity of that contact), or someone who took part (CC'd on, or wrote in, the conversation).
   * A reply address, In-Reply-To or quoted number is easy to copy into another customer's mail, so pointing is
   * never enough on its own: a stranger's message opens its own conversation, related to the one it pointed at.
   */
  private async hintedConversation(
    tx: Tx,
    request: ThreadRequest,
  ): Promise<{ conversation?: ConversationRow; related?: RelatedConversation }> {
    const hints = request.inbound.threadHints;
    if (!hints) return {};
    const tenantId = request.channel.tenantId;
    const candidates: [RelatedReason, () => Promise<ConversationRow | undefined>][] = [];
    if (hints.conversationId) {
      const id = hints.conversationId;
      candidates.push(['reply_address', () => repository.findConversation(tx.db, tenantId, id)]);
    }
    if (hints.inReplyTo?.length) {
      const ids = hints.inReplyTo;
      candidates.push([
        'in_reply_to',
        () => repository.findConversationByMessageExternalId(tx.db, tenantId, ids),
      ]);
    }
    if (hints.conversationNumber !== undefined) {
      const number = hints.conversationNumber;
      candidates.push([
        'conversation_number',
        () => repository.findConversationByNumber(tx.db, tenantId, number),
      ]);
    }
    let related: RelatedConversation | undefined;
    for (const [reason, find] of candidates) {
      const conversation = usable(await find());
      if (!conversation) continue;
      if (
        conversation.contactId === request.contactId ||
        (await isThreadParticipant(tx, conversation, request.contactId, request.senderValue))
      )
        return { conversation };
      related ??= { conversationId: conversation.id, reason };
    }
    return related ? { related } : {};
  }
}
