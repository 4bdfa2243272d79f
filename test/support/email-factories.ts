import { type GivenTenant, unique } from './factories.ts';
import type { TestApp } from './test-app.ts';

export interface GivenEmailChannel {
  id: string;
  address: string;
  signingSecret: string;
  inboundToken: string;
  inboundUrl: string;
}

/** An email channel with a unique address (`support-xxxx@shop.example`) and the given settings. */
export async function givenEmailChannel(
  tenant: GivenTenant,
  settings: Record<string, unknown> = {},
): Promise<GivenEmailChannel> {
  const address = `${unique('support')}@shop.example`;
  const response = await tenant.api.post('/api/v1/channels', {
    kind: 'email',
    name: unique('Mail'),
    settings: { address, displayName: 'Shop Support', ...settings },
  });
  if (response.status !== 201)
    throw new Error(`email channel create failed: ${JSON.stringify(response.body)}`);
  return {
    id: response.body.id,
    address,
    signingSecret: response.body.secrets.signingSecret,
    inboundToken: response.body.secrets.inboundToken,
    inboundUrl: response.body.inboundUrl,
  };
}

/** POSTs raw RFC 822 bytes to the channel's signed raw MIME URL. */
export async function postRawMail(
  app: TestApp,
  channel: GivenEmailChannel,
  raw: Buffer,
  token = channel.inboundToken,
) {
  const response = await fetch(`${app.url}/api/v1/inbound/${channel.id}?token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

/** Ingests a mail and returns the stored message result (fails the test when nothing was stored). */
export async function receiveMail(app: TestApp, channel: GivenEmailChannel, raw: Buffer) {
  const response = await postRawMail(app, channel, raw);
  if (response.status !== 202 || response.body.results[0]?.type !== 'message') {
    throw new Error(`mail not stored: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.results[0] as {
    messageId: string;
    conversationId: string;
    contactId: string;
    duplicate: boolean;
  };
}
