import type { ChannelAdapter, InboundMessage } from '../../channels/adapter.ts';
import type { Tx } from '../../platform/db/database.ts';
import { conversations } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import type { ConversationRow } from './conversation.presenter.ts';
import * as repository from './conversation.repository.ts';
import {
  type ContactChannelKey,
  findOpenConversations,
  findReopenableConversations,
  insertConversations,
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

/** The conversation a message goes into, as it was before this batch touched it. */
export interface Thread {
  conversation: ThreadedConversation;
  /** Opened by this batch. */
  opened: boolean;
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
      const thread = hinted
        ? { conversation: hinted, opened: false }
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

  /** A message with a provider thread key, or on a per-thread channel: one at a time. */
  private async threadOne(tx: Tx, request: ThreadRequest): Promise<Thread> {
    const { channel, inbound } = request;
    const tenantId = channel.tenantId;
    if (inbound.threadKey) {
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
        externalThreadId: inbound.threadKey ?? null,
        lastActivityAt: request.receivedAt,
        createdAt: request.receivedAt,
      })
      .returning();
    return { conversation: conversation!, opened: true };
  }

  private async hintedConversation(tx: Tx, request: ThreadRequest): Promise<ConversationRow | undefined> {
    const hints = request.inbound.threadHints;
    if (!hints) return undefined;
    const tenantId = request.channel.tenantId;
    if (hints.conversationId) {
      const referenced = usable(await repository.findConversation(tx.db, tenantId, hints.conversationId));
      if (referenced) return referenced;
    }
    if (hints.inReplyTo?.length) {
      const answered = usable(
        await repository.findConversationByMessageExternalId(tx.db, tenantId, hints.inReplyTo),
      );
      if (answered) return answered;
    }
    if (hints.conversationNumber !== undefined) {
      const numbered = usable(
        await repository.findConversationByNumber(tx.db, tenantId, hints.conversationNumber),
      );
      // A number in a subject is easy to guess or copy: only its participants may thread by it.
      if (
        numbered &&
        (numbered.contactId === request.contactId ||
          (await repository.isParticipant(tx.db, numbered, request.senderValue)))
      ) {
        return numbered;
      }
    }
    return undefined;
  }
}
