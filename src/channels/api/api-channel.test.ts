import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/errors.ts';
import { OutboundGuard } from '../../platform/http/outbound-guard.ts';
import type { WebhookRequest } from '../adapter.ts';
import { apiChannelAdapter, parseApiSignature, signApiBody } from './api-channel.adapter.ts';

const SECRET = 'a-channel-signing-secret-0123456789';
const NOW_MS = Date.parse('2026-12-02T12:00:00Z');
const NOW = NOW_MS / 1000;

describe('API channel signatures', () => {
  const adapter = apiChannelAdapter({
    timeoutMs: 1000,
    outbound: new OutboundGuard([]),
    now: () => NOW_MS,
  });
  const body = Buffer.from(JSON.stringify({ id: 'm-1', from: { value: 'a@example.de' }, text: 'Hallo' }));
  const request = (signature: string | undefined, raw = body): WebhookRequest => ({
    headers: signature === undefined ? {} : { 'x-unisono-signature': signature },
    query: {},
    rawBody: raw,
  });
  const verdict = (signature: string | undefined, raw = body) => {
    try {
      adapter.verify(request(signature, raw), { signingSecret: SECRET });
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('invalid_signature');
      return (error as DomainError).message;
    }
  };

  it('signs the timestamp together with the body, in the documented form', () => {
    const header = signApiBody(SECRET, body, NOW);
    const digest = createHmac('sha256', SECRET).update(`${NOW}.`).update(body).digest('hex');
    expect(header).toBe(`t=${NOW},sha256=${digest}`);
    expect(parseApiSignature(header)).toEqual({ timestamp: NOW, digest });
  });

  it('accepts a fresh signature, and one within the window either way', () => {
    expect(verdict(signApiBody(SECRET, body, NOW))).toBe('accepted');
    expect(verdict(signApiBody(SECRET, body, NOW - 299))).toBe('accepted');
    expect(verdict(signApiBody(SECRET, body, NOW + 299))).toBe('accepted');
  });

  it('refuses a correctly signed request replayed after the window, or dated ahead of it', () => {
    expect(verdict(signApiBody(SECRET, body, NOW - 301))).toMatch(/more than 300 s away/);
    expect(verdict(signApiBody(SECRET, body, NOW + 3600))).toMatch(/more than 300 s away/);
  });

  it('refuses the body-only form, a moved timestamp, a changed body and a wrong secret', () => {
    const bodyOnly = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(verdict(bodyOnly)).toMatch(/must be t=<unix seconds>,sha256=/);
    const moved = signApiBody(SECRET, body, NOW - 3600).replace(`t=${NOW - 3600}`, `t=${NOW}`);
    expect(verdict(moved)).toMatch(/does not match/);
    expect(verdict(signApiBody(SECRET, body, NOW), Buffer.from('{"id":"m-2"}'))).toMatch(/does not match/);
    expect(verdict(signApiBody('another-secret-0123456789abcdef', body, NOW))).toMatch(/does not match/);
    expect(verdict(undefined)).toMatch(/Missing/);
  });
});
