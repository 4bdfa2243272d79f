import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentMessage } from './conversation.presenter.ts';
import type { ConversationService } from './conversation.service.ts';
import {
  ConversationListQuery,
  ConversationParams,
  ConversationView,
  MessageListQuery,
  MessageParams,
  MessageView,
  NoteBody,
  ReplyBody,
  UpdateConversationBody,
} from './conversations.schema.ts';
import type { OutboundMessageService } from './outbound-message.service.ts';

export function registerConversationRoutes(
  app: App,
  conversations: ConversationService,
  outbound: OutboundMessageService,
) {
  app.get(
    '/api/v1/conversations',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['conversations'],
        summary: 'List conversations with filters, sorted, cursor-paginated',
        querystring: ConversationListQuery,
        response: { 200: z.object({ items: z.array(ConversationView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => conversations.list(request.actor, request.query),
  );

  app.get(
    '/api/v1/conversations/:id',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['conversations'],
        summary: 'One conversation',
        params: ConversationParams,
        response: { 200: ConversationView },
      },
    },
    async (request) => conversations.get(request.actor, request.params.id),
  );

  app.patch(
    '/api/v1/conversations/:id',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['conversations'],
        summary: 'Change status, priority, assignee, team, labels, preferred reply channel',
        params: ConversationParams,
        body: UpdateConversationBody,
        response: { 200: ConversationView },
      },
    },
    async (request) => conversations.update(request.actor, request.params.id, request.body),
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['messages'],
        summary: 'Messages, notes and activity of a conversation, oldest first',
        params: ConversationParams,
        querystring: MessageListQuery,
        response: { 200: z.object({ items: z.array(MessageView), hasMore: z.boolean() }) },
      },
    },
    async (request) =>
      conversations.listMessages(request.actor, request.params.id, request.query.limit, request.query.before),
  );

  app.post(
    '/api/v1/conversations/:id/replies',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['messages'],
        summary: 'Reply to the customer on any channel they are reachable on',
        params: ConversationParams,
        body: ReplyBody,
        response: { 201: MessageView },
      },
    },
    async (request, reply) => {
      const { message, files } = await outbound.reply(request.actor, request.params.id, request.body);
      return reply.code(201).send(presentMessage(message, files));
    },
  );

  app.post(
    '/api/v1/conversations/:id/notes',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['messages'],
        summary: 'Add an internal note (never sent to the customer)',
        params: ConversationParams,
        body: NoteBody,
        response: { 201: MessageView },
      },
    },
    async (request, reply) => {
      const { message } = await outbound.note(request.actor, request.params.id, request.body);
      return reply.code(201).send(presentMessage(message));
    },
  );

  app.post(
    '/api/v1/conversations/:id/messages/:messageId/retry',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['messages'],
        summary: 'Queue a failed reply for delivery again',
        params: MessageParams,
        response: { 200: MessageView },
      },
    },
    async (request) =>
      presentMessage(await outbound.retry(request.actor, request.params.id, request.params.messageId)),
  );

  app.post(
    '/api/v1/conversations/:id/messages/:messageId/send-now',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['messages'],
        summary: 'Try a reply that waits for its next delivery attempt at once',
        description:
          'For a queued reply between retries (see `attempts` and `nextAttemptAt`); the attempt counts like any ' +
          'other. 409 when the reply is not queued or an attempt is already under way.',
        params: MessageParams,
        response: { 200: MessageView },
      },
    },
    async (request) =>
      presentMessage(await outbound.sendNow(request.actor, request.params.id, request.params.messageId)),
  );

  app.get(
    '/api/v1/conversations/:id/messages/:messageId/raw',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['messages'],
        summary: "The provider's original bytes of a message (e.g. an email's RFC 822 source)",
        params: MessageParams,
      },
    },
    async (request, reply) => {
      const raw = await conversations.rawSource(request.actor, request.params.id, request.params.messageId);
      return reply
        .header('content-type', raw.contentType)
        .header('content-disposition', `attachment; filename="${request.params.messageId}.raw"`)
        .header('x-content-type-options', 'nosniff')
        .send(raw.data);
    },
  );

  app.get(
    '/api/v1/attachments/:id',
    {
      config: requireRole('agent'),
      schema: { tags: ['messages'], summary: 'Download an attachment', params: ConversationParams },
    },
    async (request, reply) => {
      const { file, data } = await conversations.attachment(request.actor, request.params.id);
      const disposition = file.contentType.startsWith('image/') ? 'inline' : 'attachment';
      return reply
        .header('content-type', file.contentType)
        .header(
          'content-disposition',
          `${disposition}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(data);
    },
  );
}
