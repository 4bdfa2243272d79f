import { describe, expect, it } from 'vitest';
import { rawMail } from '../../../test/support/mail-builder.ts';
import { EmailChannelSettings } from './email-channel.schema.ts';
import { contentFingerprint } from './mail-fingerprint.ts';
import { composeMail } from './smtp-sender.ts';

describe('contentFingerprint', () => {
  const mail = 'From: anna@kunde.example\nMessage-ID: <a@kunde.example>\nSubject: Frage\n\nHallo\n';

  it('ignores what relays add and line ends, and tells other content apart', () => {
    const relayed = rawMail(
      `Return-Path: <anna@kunde.example>\nReceived: from mx by mx2\n\tfor <s@shop.example>; Mon\nDelivered-To: s@shop.example\n${mail}`,
    );
    expect(contentFingerprint(relayed)).toBe(contentFingerprint(Buffer.from(mail)));
    expect(contentFingerprint(rawMail(mail.replace('anna@', 'bernd@')))).not.toBe(
      contentFingerprint(rawMail(mail)),
    );
    expect(contentFingerprint(rawMail(mail.replace('Hallo', 'Hallo!')))).not.toBe(
      contentFingerprint(rawMail(mail)),
    );
  });

  it('replies to a mail stored under a reused Message-ID with its real Message-ID', () => {
    const composed = composeMail(
      {
        id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
        conversationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
        conversationNumber: 7,
        to: { kind: 'email', value: 'anna@kunde.example' },
        text: 'Antwort',
        attachments: [],
        inReplyToExternalId: 'a@kunde.example 0123456789abcdef',
        references: ['a@kunde.example', 'a@kunde.example 0123456789abcdef'],
        cc: [],
      },
      EmailChannelSettings.parse({ address: 'support@shop.example' }),
    );
    expect(composed).toMatchObject({ inReplyTo: '<a@kunde.example>', references: '<a@kunde.example>' });
  });
});
