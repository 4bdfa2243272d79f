import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { ConversationView } from '../conversations/conversations.schema.ts';
import { presentSavedView } from './inbox.presenter.ts';
import {
  ChannelKindView,
  InboxCounts,
  InboxSearchQuery,
  SavedView,
  SavedViewBody,
  SavedViewParams,
  UpdateSavedViewBody,
} from './inbox.schema.ts';
import type { InboxService } from './inbox.service.ts';

export function registerInboxRoutes(app: App, inbox: InboxService) {
  app.get(
    '/api/v1/inbox/counts',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['inbox'],
        summary: 'Conversation counts per view, team, channel, status, label, priority and saved view',
        response: { 200: InboxCounts },
      },
    },
    async (request) => inbox.counts(request.actor),
  );

  app.get(
    '/api/v1/inbox/search',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['inbox'],
        summary: 'Find conversations by number, customer, subject or text',
        querystring: InboxSearchQuery,
        response: { 200: z.object({ items: z.array(ConversationView) }) },
      },
    },
    async (request) => ({ items: await inbox.search(request.actor, request.query.q, request.query.limit) }),
  );

  app.get(
    '/api/v1/inbox/channel-kinds',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['inbox'],
        summary: 'Installed channel kinds and the identity kinds each can deliver to',
        response: { 200: z.object({ items: z.array(ChannelKindView) }) },
      },
    },
    async () => ({ items: inbox.channelKinds() }),
  );

  app.get(
    '/api/v1/inbox/views',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['inbox'],
        summary: 'Your saved views',
        response: { 200: z.object({ items: z.array(SavedView) }) },
      },
    },
    async (request) => ({ items: (await inbox.listViews(request.actor)).map(presentSavedView) }),
  );

  app.post(
    '/api/v1/inbox/views',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['inbox'],
        summary: 'Save the current filters as a view',
        body: SavedViewBody,
        response: { 201: SavedView },
      },
    },
    async (request, reply) =>
      reply.code(201).send(presentSavedView(await inbox.createView(request.actor, request.body))),
  );

  app.patch(
    '/api/v1/inbox/views/:id',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['inbox'],
        summary: 'Rename, reorder or change a saved view',
        params: SavedViewParams,
        body: UpdateSavedViewBody,
        response: { 200: SavedView },
      },
    },
    async (request) =>
      presentSavedView(await inbox.updateView(request.actor, request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/inbox/views/:id',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['inbox'],
        summary: 'Delete a saved view',
        params: SavedViewParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await inbox.removeView(request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
