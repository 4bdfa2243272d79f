import { z } from 'zod';
import { ApiInboundPayload } from '../../channels/api/api-channel.schema.ts';
import { notFound } from '../../platform/errors.ts';
import { publicRoute } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { isUuid } from '../../platform/ids.ts';
import type { InboundMessageService } from './inbound-message.service.ts';

const IngestResultView = z.union([
  z.object({
    type: z.literal('message'),
    messageId: z.uuid(),
    conversationId: z.uuid(),
    contactId: z.uuid(),
    duplicate: z.boolean(),
  }),
  z.object({ type: z.literal('status'), messageId: z.uuid().nullable(), applied: z.boolean() }),
]);

/**
 * Provider webhooks. Public by decision: the channel's adapter verifies the signature over the raw body
 * before anything is parsed or stored.
 */
export function registerInboundRoutes(app: App, inbound: InboundMessageService) {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post(
      '/api/v1/inbound/:channelId',
      {
        config: publicRoute(),
        schema: {
          tags: ['channels'],
          summary: 'Provider webhook: inbound messages and delivery reports for one channel',
          description:
            'For an API channel: JSON as in the request body schema, signed with header ' +
            '`X-Unisono-Signature: t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<raw body>" with the channel ' +
            'signing secret>`; a timestamp more than 300 s from the server clock is refused (replay window). ' +
            'Answers 202 once every message is stored; re-sending a message id is harmless.',
          params: z.object({ channelId: z.uuid() }),
          body: ApiInboundPayload,
          response: { 202: z.object({ results: z.array(IngestResultView) }) },
        },
        // The adapter validates the payload after checking the signature; the schema above documents it.
        validatorCompiler: () => () => true,
        // The answer is built here from stored ids; validating it again on every webhook costs the hot path.
        serializerCompiler: () => (data) => JSON.stringify(data),
      },
      async (request, reply) => {
        const { channelId } = request.params as { channelId: string };
        if (!isUuid(channelId)) throw notFound('Channel', channelId);
        const results = await inbound.receiveWebhook(channelId, {
          headers: request.headers,
          query: request.query as Record<string, string | undefined>,
          rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        });
        return reply.code(202).send({ results });
      },
    );
  });
}
