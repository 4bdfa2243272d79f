import type { DeliveryStatusUpdate } from '../../channels/adapter.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import { contactById, identitiesOfContacts } from '../contacts/contact-lookup.ts';
import { detectLanguage } from '../contacts/language-detection.ts';
import { insertAttachments, storeFiles } from './attachment.service.ts';
import { audienceOf } from './conversation.policy.ts';
import {
  type ConversationRow,
  type MessageRow,
  presentConversation,
  presentMessage,
  previewOf,
} from './conversation.presenter.ts';
import * as repository from './conversation.repository.ts';
import type { NoteBody, ReplyBody } from './conversations.schema.ts';
import { messages } from './conversations.tables.ts';
import { DELIVER_OUTBOUND_MESSAGE, type DeliverOutboundMessageJob } from './deliver-outbound-message.job.ts';
import { sanitizeMessageHtml } from './html-sanitizer.ts';
import {
  OutboundDeliveryService,
  type OutboundOptions,
  visibleConversation,
} from './outbound-delivery.service.ts';

export { backoffMs } from './delivery.policy.ts';

export type { OutboundOptions } from './outbound-delivery.service.ts';

/** Replies and notes; delivery itself (attempts, retries, reports) is OutboundDeliveryService's. */
export class OutboundMessageService {
  private readonly delivery: OutboundDeliveryService;

  constructor(
    private readonly platform: Platform,
    private readonly channels: ChannelService,
    options: OutboundOptions = {},
  ) {
    this.delivery = new OutboundDeliveryService(platform, channels, options);
  }

  async reply(actor: Actor, conversationId: string, body: Omit<ReplyBody, 'cc'> & { cc?: string[] }) {
    const files = await storeFiles(
      this.platform.storage,
      actor.tenantId,
      body.attachments.map((file) => ({ ...file, data: Buffer.from(file.data, 'base64') })),
    );
    const message = await this.platform.database.transaction(async (tx) => {
      const conversation = await visibleConversation(tx, actor, conversationId);
      if (conversation.status === 'closed') {
        throw new DomainError('conversation_closed', `Conversation #${conversation.number} is closed`);
      }
      const contact = await contactById(tx.db, actor.tenantId, conversation.contactId);
      const channelId =
        body.channelId ??
        conversation.preferredChannelId ??
        contact?.preferredChannelId ??
        conversation.lastInboundChannelId ??
        conversation.channelId;
      const { channel, adapter } = await this.channels.resolve(channelId, actor.tenantId);
      if (!channel.enabled) throw new DomainError('channel_disabled', `Channel ${channel.name} is disabled`);
      const identities = await identitiesOfContacts(tx.db, actor.tenantId, [conversation.contactId]);
      const reachable = (kind: string) =>
        adapter.reachableIdentityKinds === 'any' ||
        (adapter.reachableIdentityKinds as string[]).includes(kind);
      let identity = body.identityId
        ? identities.find((candidate) => candidate.id === body.identityId)
        : undefined;
      if (body.identityId && !identity) throw notFound('Identity', body.identityId);
      if (identity && !reachable(identity.kind)) {
        throw new DomainError(
          'channel_unreachable',
          `Channel ${channel.name} cannot deliver to a ${identity.kind} identity`,
        );
      }
      if (!identity) {
        const reachableIdentities = identities.filter((candidate) => reachable(candidate.kind));
        // Never pick an address the customer opted out of; if it is the only one, say so below.
        const candidates = reachableIdentities.filter((candidate) => candidate.consent !== 'opted_out');
        identity = candidates.length === 0 ? reachableIdentities[0] : undefined;
        identity ??=
          candidates.find((candidate) => candidate.id === conversation.lastInboundIdentityId) ??
          candidates.sort((left, right) => right.lastSeenAt.getTime() - left.lastSeenAt.getTime())[0];
      }
      if (!identity) {
        throw new DomainError(
          'channel_unreachable',
          `The customer has no identity that channel ${channel.name} can reach (it needs ${[adapter.reachableIdentityKinds].flat().join(', ')})`,
        );
      }
      if (identity.consent === 'opted_out') {
        throw new DomainError(
          'consent_refused',
          `The customer opted out of messages to ${identity.displayValue} (${identity.consentSource ?? 'no source recorded'}); choose another channel`,
        );
      }
      const now = this.delivery.now();
      const [message] = await tx.db
        .insert(messages)
        .values({
          tenantId: actor.tenantId,
          id: newId(),
          conversationId: conversation.id,
          contactId: conversation.contactId,
          direction: 'outbound',
          kind: 'message',
          channelId: channel.id,
          identityId: identity.id,
          authorUserId: actor.userId,
          text: body.text,
          html: body.html ? sanitizeMessageHtml(body.html) : null,
          language: conversation.language ?? detectLanguage(body.text) ?? null,
          subject: body.subject ?? null,
          status: 'queued',
          nextAttemptAt: now,
          metadata: {
            ...(conversation.lastInboundChannelId && conversation.lastInboundChannelId !== channel.id
              ? { channelSwitchedFrom: conversation.lastInboundChannelId }
              : {}),
            ...(body.cc?.length ? { cc: body.cc.map((address) => address.toLowerCase()) } : {}),
          },
          createdAt: now,
        })
        .returning();
      const stored = await insertAttachments(tx, actor.tenantId, message!.id, files);
      const updated = await repository.updateConversation(tx.db, actor.tenantId, conversation.id, {
        lastActivityAt: now,
        firstResponseAt: conversation.firstResponseAt ?? now,
        waitingSince: null,
        lastMessagePreview: previewOf(body.text || files.map((file) => file.filename).join(', ')),
        messageCount: conversation.messageCount + 1,
      });
      await this.delivery.schedule(tx, actor.tenantId, message!.id, now);
      await this.emit(tx, updated, contact?.name ?? null, [
        { type: 'message.created', message: message!, files: stored },
      ]);
      return { message: message!, files: stored };
    });
    this.platform.jobs.nudge(DELIVER_OUTBOUND_MESSAGE);
    return message;
  }

  async note(actor: Actor, conversationId: string, body: typeof NoteBody._output) {
    return this.platform.database.transaction(async (tx) => {
      const conversation = await visibleConversation(tx, actor, conversationId);
      const now = new Date();
      const [message] = await tx.db
        .insert(messages)
        .values({
          tenantId: actor.tenantId,
          id: newId(),
          conversationId: conversation.id,
          contactId: conversation.contactId,
          direction: 'outbound',
          kind: 'note',
          authorUserId: actor.userId,
          text: body.text,
          language: conversation.language ?? detectLanguage(body.text) ?? null,
          status: null,
          createdAt: now,
        })
        .returning();
      const updated = await repository.updateConversation(tx.db, actor.tenantId, conversation.id, {
        lastActivityAt: now,
      });
      const contact = await contactById(tx.db, actor.tenantId, conversation.contactId);
      await this.emit(tx, updated, contact?.name ?? null, [
        { type: 'message.created', message: message!, files: [] },
      ]);
      return { message: message!, files: [] };
    });
  }

  retry(actor: Actor, conversationId: string, messageId: string) {
    return this.delivery.retry(actor, conversationId, messageId);
  }

  sendNow(actor: Actor, conversationId: string, messageId: string) {
    return this.delivery.sendNow(actor, conversationId, messageId);
  }

  deliver(job: DeliverOutboundMessageJob): Promise<void> {
    return this.delivery.deliver(job);
  }

  applyStatus(channel: ChannelRow, update: DeliveryStatusUpdate) {
    return this.delivery.applyStatus(channel, update);
  }

  private async emit(
    tx: Tx,
    conversation: ConversationRow,
    contactName: string | null,
    changes: { type: string; message: MessageRow; files: Awaited<ReturnType<typeof insertAttachments>> }[],
  ) {
    const audience = audienceOf(conversation);
    await recordEvents(tx, this.platform.bus, [
      ...changes.map((change) => ({
        tenantId: conversation.tenantId,
        type: change.type,
        entityType: 'message',
        entityId: change.message.id,
        payload: presentMessage(change.message, change.files),
        audience,
      })),
      {
        tenantId: conversation.tenantId,
        type: 'conversation.updated',
        entityType: 'conversation',
        entityId: conversation.id,
        payload: presentConversation(conversation, contactName),
        audience,
      },
    ]);
  }
}
