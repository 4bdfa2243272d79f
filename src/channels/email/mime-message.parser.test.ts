import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildMail, rawMail } from '../../../test/support/mail-builder.ts';
import { deliveryReport } from './delivery-report.ts';
import { autoReplyReason, isOwnMail } from './email-classifier.ts';
import { parseEmail } from './mime-message.parser.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = (name: string) =>
  readFileSync(path.resolve(here, '../../../../shared/data/email/mail-gem', name));

/** A single-part message with the given body bytes and headers. */
function single(headers: string, body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `From: a@kunde.example\r\nTo: support@shop.example\r\nMIME-Version: 1.0\r\n${headers}\r\n\r\n`,
    ),
    body,
  ]);
}

describe('parseEmail', () => {
  it('decodes charsets and transfer encodings', async () => {
    const latin1 = await parseEmail(
      single(
        'Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable',
        Buffer.from('Sch=F6ne Gr=FC=DFe, bitte r=FCckrufen.=\r\n Danke'),
      ),
    );
    expect(latin1).toMatchObject({ subject: 'Grüße aus Köln', text: 'Schöne Grüße, bitte rückrufen. Danke' });

    const windows = await parseEmail(
      single(
        'Subject: =?windows-1252?Q?=93Angebot=94_f=FCr_5_=80?=\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: base64',
        Buffer.from(Buffer.from('Preis: 5 \x80 \x96 \x93fair\x94', 'latin1').toString('base64')),
      ),
    );
    expect(windows).toMatchObject({ subject: '“Angebot” für 5 €', text: 'Preis: 5 € – “fair”' });

    const koi8 = await parseEmail(
      single(
        'Subject: =?KOI8-R?B?8NLJ18XU?=\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit',
        Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]),
      ),
    );
    expect(koi8).toMatchObject({ subject: 'Привет', text: 'Привет' });

    const utf7 = await parseEmail(
      single(
        'Subject: =?utf-7?Q?Gr+APw-+AN8-e?=\r\nContent-Type: text/plain; charset=utf-7',
        Buffer.from('Sch+APY-ne Gr+APwA3w-e, 1 +- 1'),
      ),
    );
    expect(utf7).toMatchObject({ subject: 'Grüße', text: 'Schöne Grüße, 1 + 1' });

    expect(await parseEmail(corpus('multi_charset/japanese_iso_2022.eml'))).toMatchObject({
      subject: 'まみむめも',
      text: expect.stringContaining('すみません。'),
    });
    expect((await parseEmail(corpus('multi_charset/japanese_shift_jis.eml'))).text).toContain(
      'このメールはテスト用のメールです。',
    );
    expect((await parseEmail(corpus('multi_charset/ks_c_5601-1987.eml'))).text).toContain('스티해');
  });

  it('repairs what senders get wrong: raw 8-bit headers, double-decoded subjects, obsolete syntax', async () => {
    expect((await parseEmail(corpus('error_emails/invalid_subject_characters.eml'))).subject).toBe(
      'Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro',
    );
    expect((await parseEmail(corpus('error_emails/content_transfer_encoding_empty.eml'))).subject).toContain(
      '大家說英語',
    );
    expect((await parseEmail(corpus('rfc2822/example13.eml'))).from).toEqual({
      address: 'jdoe@machine.example',
      name: 'John Doe',
    });
    const doubled = await parseEmail(
      rawMail('From: a@kunde.example\nSubject: =?UTF-8?Q?M=C3=83=C2=BCller?=\n\nx'),
    );
    expect(doubled.subject).toBe('Müller');
  });

  it('decodes raw 8-bit headers in an undeclared charset by detection', async () => {
    const cases: [string, string, string][] = [
      ['shift_jis', '82a896e282a28d8782ed82b982cc8c8f82c982c282a282c4', 'お問い合わせの件について'],
      ['gbk', 'b9d8d3daced2b5c4b6a9b5a5b5c4cecacce2', '关于我的订单的问题'],
      ['big5', 'c3f6a9f3a7daaabaad71b3e6aabab0ddc344', '關於我的訂單的問題'],
      ['euc-kr', 'c1d6b9ae20b0fcb7c320b9aec0c7b5e5b8b3b4cfb4d9', '주문 관련 문의드립니다'],
      ['windows-1251', 'c2eeeff0eef120efee20e7e0eae0e7f3', 'Вопрос по заказу'],
      ['windows-1250', '5a61bff3b3e62067ea9c6cb9206a619ff1', 'Zażółć gęślą jaźń'],
      ['windows-1253', 'cae1ebe7ecddf1e120f3e1f2', 'Καλημέρα σας'],
      ['iso-2022-jp', '1b24422546253925481b2842', 'テスト'],
    ];
    for (const [charset, hex, expected] of cases) {
      const mail = await parseEmail(
        Buffer.concat([
          Buffer.from('From: '),
          Buffer.from(hex, 'hex'),
          Buffer.from(' <kunde@example.com>\r\nTo: support@shop.example\r\nSubject: '),
          Buffer.from(hex, 'hex'),
          Buffer.from('\r\nMIME-Version: 1.0\r\n\r\nbody\r\n'),
        ]),
      );
      expect({ charset, subject: mail.subject, name: mail.from?.name }).toEqual({
        charset,
        subject: expected,
        name: expected,
      });
    }
  });

  it('survives repeated delivery headers and takes the From line that has an address', async () => {
    const mail = await parseEmail(
      rawMail(
        'From: Nur ein Name\nFrom: Erika Muster <erika@kunde.example>\nDelivered-To: a@shop.example\nDelivered-To: b@shop.example\nX-Original-To: a@shop.example\nX-Original-To: c@shop.example\nEnvelope-To: d@shop.example\nEnvelope-To: e@shop.example\nSubject: zwei\n\nText\n',
      ),
    );
    expect(mail.from).toEqual({ address: 'erika@kunde.example', name: 'Erika Muster' });
    expect([...new Set(mail.deliveredTo)].sort()).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((local) => `${local}@shop.example`),
    );
  });

  it('derives text from HTML-only parts inside multipart/mixed, related and alternative', async () => {
    const html = '<p>Mein <b>Drucker</b> streikt.</p>';
    const multipart = (type: string, parts: string[]) =>
      rawMail(
        `From: a@kunde.example\nSubject: html\nMIME-Version: 1.0\nContent-Type: multipart/${type}; boundary=b\n\n${parts.map((part) => `--b\n${part}\n`).join('')}--b--\n`,
      );
    const htmlPart = `Content-Type: text/html; charset=utf-8\n\n${html}`;
    const image = 'Content-Type: image/png\nContent-ID: <i@x>\nContent-Transfer-Encoding: base64\n\naGFsbG8=';
    for (const raw of [
      multipart('mixed', [
        htmlPart,
        'Content-Type: application/pdf\nContent-Disposition: attachment; filename=a.pdf\n\n%PDF',
      ]),
      multipart('related', [htmlPart, image]),
      multipart('alternative', ['Content-Type: text/plain; charset=utf-8\n\n', htmlPart]),
      multipart('mixed', ['Content-Type: text/plain; charset=utf-8\n\n  ', htmlPart]),
    ]) {
      expect((await parseEmail(raw)).text).toMatch(/Mein Drucker streikt\./);
    }
  });

  it('derives text from HTML-only mail and keeps inline images, attachments, forwards and invites', async () => {
    const htmlOnly = await parseEmail(
      await buildMail({ text: undefined, html: '<h1>Hallo</h1><p>Mein <b>Drucker</b> streikt.</p>' }),
    );
    expect(htmlOnly.text).toMatch(/HALLO[\s\S]*Mein Drucker streikt\./);

    const forwarded = await buildMail({ subject: 'Original', text: 'Weitergeleitet' });
    const invite = [
      'BEGIN:VCALENDAR',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      'UID:1@kunde',
      'DTSTART:20260301T100000Z',
      'SUMMARY:Termin',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const mail = await parseEmail(
      await buildMail({
        html: '<p>Siehe Bild <img src="cid:bild@x"></p>',
        attachments: [
          { filename: 'bild.png', content: Buffer.from('png'), cid: 'bild@x' },
          { filename: 'alt.eml', content: forwarded, contentType: 'message/rfc822' },
          { filename: 'daten.csv', content: 'a;b\n1;2' },
        ],
        icalEvent: { method: 'REQUEST', content: invite },
      }),
    );
    expect(mail.html).toContain('cid:bild@x');
    const byType = Object.fromEntries(
      mail.attachments.map((attachment) => [attachment.contentType, attachment]),
    );
    expect(byType['image/png']).toMatchObject({ filename: 'bild.png', contentId: 'bild@x', inline: true });
    expect(byType['message/rfc822']?.data.equals(forwarded)).toBe(true);
    expect(byType['text/csv']).toMatchObject({ filename: 'daten.csv', inline: false });
    expect(byType['text/calendar']?.data.toString()).toContain('SUMMARY:Termin');
  });

  it('decodes uuencoded files, as a part and inside a plain body', async () => {
    const encoded = 'begin 644 hallo.txt\n%:&%L;&\\`\n`\nend';
    const inline = await parseEmail(
      rawMail(`From: a@kunde.example\nSubject: uu\n\nAnbei die Datei.\n\n${encoded}\n`),
    );
    expect(inline.text.trim()).toBe('Anbei die Datei.');
    expect(inline.attachments).toEqual([
      expect.objectContaining({ filename: 'hallo.txt', data: Buffer.from('hallo') }),
    ]);
    const part = await parseEmail(
      rawMail(
        `From: a@kunde.example\nSubject: uu\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nText\n--x\nContent-Type: text/plain; name=hallo.txt\nContent-Disposition: attachment; filename=hallo.txt\nContent-Transfer-Encoding: x-uuencode\n\n${encoded}\n--x--\n`,
      ),
    );
    expect(part.attachments[0]?.data).toEqual(Buffer.from('hallo'));
  });

  it('reads threading headers and tolerates broken ones', async () => {
    const mail = await parseEmail(
      await buildMail({
        inReplyTo: '<a@x>',
        references: ['<root@x>', '<a@x>'],
        messageId: '<self@kunde.example>',
      }),
    );
    expect(mail).toMatchObject({
      messageId: 'self@kunde.example',
      inReplyTo: ['a@x'],
      references: ['root@x', 'a@x'],
    });
    const broken = await parseEmail(corpus('error_emails/empty_in_reply_to.eml'));
    expect(broken.inReplyTo).toEqual([]);
  });
});

describe('classification', () => {
  it('recognises auto-replies by header and by subject, and not a normal mail', async () => {
    expect(
      autoReplyReason(await parseEmail(await buildMail({ headers: { 'Auto-Submitted': 'auto-replied' } }))),
    ).toBe('Auto-Submitted: auto-replied');
    expect(autoReplyReason(await parseEmail(await buildMail({ headers: { 'X-Autoreply': 'yes' } })))).toBe(
      'x-autoreply',
    );
    expect(autoReplyReason(await parseEmail(await buildMail({ headers: { Precedence: 'bulk' } })))).toBe(
      'Precedence: bulk',
    );
    for (const subject of [
      'Abwesenheitsnotiz: Ihre Anfrage',
      'Automatische Antwort: Rechnung',
      'Out of Office: Re: Order',
      'Automatic reply: Hi',
    ]) {
      expect(autoReplyReason(await parseEmail(await buildMail({ subject }))), subject).toBe('subject');
    }
    expect(
      autoReplyReason(await parseEmail(await buildMail({ subject: 'Antwort auf Ihre Frage' }))),
    ).toBeUndefined();
    expect(
      autoReplyReason(await parseEmail(await buildMail({ headers: { 'Auto-Submitted': 'no' } }))),
    ).toBeUndefined();
  });

  it('reads delivery reports: hard, soft-delayed and multi-recipient bounces from the corpus', async () => {
    expect(deliveryReport(await parseEmail(corpus('multipart_report_emails/report_530.eml')))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^Hard bounce 5\.3\.0 for edwin@zzzzzzz\.com: 553/),
      originalMessageIds: expect.arrayContaining(['200712232303.lBNN3jDq002941@mail12.rrrr.com.au']),
    });
    expect(deliveryReport(await parseEmail(corpus('multipart_report_emails/report_422.eml')))).toMatchObject({
      status: 'delayed',
    });
    const multi = deliveryReport(
      await parseEmail(corpus('multipart_report_emails/multi_address_bounce1.eml')),
    );
    expect(multi?.reason.split('; ').length).toBeGreaterThan(2);
    expect(
      deliveryReport(await parseEmail(await buildMail({ subject: 'Mein Paket wurde nicht zugestellt' }))),
    ).toBeUndefined();
  });

  it('recognises bounces and reports by structure first, subjects in any language only as a fallback', async () => {
    const ours = 'unisono.0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@shop.example';
    const returned = `Message-ID: <${ours}>\nX-Unisono-Message-Id: 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\nSubject: Ihre Anfrage`;
    const daemon = deliveryReport(
      await parseEmail(
        rawMail(
          `From: MAILER-DAEMON\nTo: support@shop.example\nSubject: =?UTF-8?B?6YWN5L+h5LiN6IO9?=\n\nThis is the mail system.\n\n--- Below this line is a copy of the message.\n\n${returned}\n\nHallo\n`,
        ),
      ),
    );
    expect(daemon).toMatchObject({
      kind: 'delivery',
      status: 'failed',
      signal: 'MAILER-DAEMON without an address',
      originalMessageIds: [ours],
      ourMessageIds: ['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
    });
    const emptyAddress = await parseEmail(
      rawMail('From: Mail Delivery System <>\nTo: support@shop.example\nSubject: Hinweis\n\nText\n'),
    );
    expect(deliveryReport(emptyAddress)).toMatchObject({ status: 'failed' });

    const failedRecipients = await parseEmail(
      await buildMail({
        from: 'noreply@mx.example',
        subject: 'Nachricht',
        headers: { 'X-Failed-Recipients': 'dora@kunde.example' },
        text: 'SMTP error: 550 5.1.1 user unknown',
      }),
    );
    expect(deliveryReport(failedRecipients)).toMatchObject({
      signal: 'X-Failed-Recipients',
      reason: expect.stringMatching(/^Hard bounce for dora@kunde\.example: 550 5\.1\.1/),
    });

    const nested = await parseEmail(
      rawMail(
        'From: postmaster@mx.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nfailed\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@kunde.example\nAction: failed\nStatus: 5.2.2\n--b--\n',
      ),
    );
    expect(deliveryReport(nested)).toMatchObject({
      signal: 'message/delivery-status part',
      status: 'failed',
    });

    const bounceMail = (from: string, subject: string) =>
      parseEmail(rawMail(`From: ${from}\nSubject: ${subject}\n\nText\n`));
    expect(
      deliveryReport(await bounceMail('postmaster@mx.example', 'Non remis : Ihre Anfrage')),
    ).toMatchObject({
      signal: 'subject',
    });
    expect(deliveryReport(await bounceMail('anna@kunde.example', 'Non remis : mein Paket'))).toBeUndefined();

    const vacation = await parseEmail(
      await buildMail({ from: 'anna@kunde.example', subject: 'Bin im Urlaub' }),
    );
    expect(deliveryReport(vacation, '')).toBeUndefined();
    const nullSender = await parseEmail(
      await buildMail({ from: 'mta@mx.example', subject: 'Fehler', text: 'Remote said: 550 5.7.1 rejected' }),
    );
    expect(deliveryReport(nullSender, '')).toMatchObject({
      signal: 'null envelope sender',
      status: 'failed',
    });
  });

  it('classifies ARF abuse reports', async () => {
    const arf = await parseEmail(
      rawMail(
        [
          'From: abuse@isp.example',
          'To: support@shop.example',
          'Subject: FW: Ihre Anfrage',
          'MIME-Version: 1.0',
          'Content-Type: multipart/report; report-type=feedback-report; boundary=b',
          '',
          '--b',
          'Content-Type: text/plain',
          '',
          'This is an email abuse report.',
          '--b',
          'Content-Type: message/feedback-report',
          '',
          'Feedback-Type: abuse',
          'User-Agent: SomeGenerator/1.0',
          'Version: 1',
          'Original-Rcpt-To: <dora@kunde.example>',
          '--b',
          'Content-Type: text/rfc822-headers',
          '',
          'Message-ID: <unisono.0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@shop.example>',
          'Subject: Ihre Anfrage',
          '--b--',
          '',
        ].join('\n'),
      ),
    );
    expect(deliveryReport(arf)).toMatchObject({
      kind: 'abuse',
      status: 'complaint',
      reason: 'Abuse report (abuse) by <dora@kunde.example> from SomeGenerator/1.0',
      originalMessageIds: ['unisono.0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@shop.example'],
    });
  });

  it('recognises our own mail by header or Message-ID', async () => {
    expect(isOwnMail(await parseEmail(await buildMail({ headers: { 'X-Unisono-Message-Id': 'x' } })))).toBe(
      true,
    );
    expect(
      isOwnMail(
        await parseEmail(
          await buildMail({ messageId: '<unisono.0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@shop.example>' }),
        ),
      ),
    ).toBe(true);
    expect(isOwnMail(await parseEmail(await buildMail()))).toBe(false);
  });
});
