import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentChannel } from './channel.presenter.ts';
import type { ChannelService } from './channel.service.ts';
import {
  ChannelParams,
  ChannelView,
  CreateChannelBody,
  CreatedChannelView,
  UpdateChannelBody,
} from './channels.schema.ts';

export function registerChannelRoutes(app: App, channels: ChannelService, baseUrl: string) {
  app.get(
    '/api/v1/channels',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['channels'],
        summary: 'Channels (inboxes) of this tenant',
        response: { 200: z.object({ items: z.array(ChannelView) }) },
      },
    },
    async (request) => ({
      items: (await channels.list(request.actor.tenantId)).map((channel) =>
        presentChannel(channel, channels.secretNames(channel), baseUrl),
      ),
    }),
  );

  app.post(
    '/api/v1/channels',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['channels'],
        summary: 'Create a channel; its secrets are returned this once',
        body: CreateChannelBody,
        response: { 201: CreatedChannelView },
      },
    },
    async (request, reply) => {
      const { channel, secrets } = await channels.create(request.actor, request.body);
      return reply.code(201).send({ ...presentChannel(channel, Object.keys(secrets), baseUrl), secrets });
    },
  );

  app.get(
    '/api/v1/channels/:id',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['channels'],
        summary: 'One channel',
        params: ChannelParams,
        response: { 200: ChannelView },
      },
    },
    async (request) => {
      const channel = await channels.get(request.actor.tenantId, request.params.id);
      return presentChannel(channel, channels.secretNames(channel), baseUrl);
    },
  );

  app.patch(
    '/api/v1/channels/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['channels'],
        summary: 'Rename, enable/disable or change settings',
        params: ChannelParams,
        body: UpdateChannelBody,
        response: { 200: ChannelView },
      },
    },
    async (request) => {
      const channel = await channels.update(request.actor, request.params.id, request.body);
      return presentChannel(channel, channels.secretNames(channel), baseUrl);
    },
  );
}
