import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';

export type MailOptions = ConstructorParameters<typeof MailComposer>[0] & {};

/** Raw RFC 822 bytes of a mail, composed the way a real client would (nodemailer's composer). */
export async function buildMail(options: MailOptions = {}): Promise<Buffer> {
  return new MailComposer({
    from: `Kunde <${randomUUID().slice(0, 8)}@kunde.example>`,
    to: 'support@shop.example',
    subject: 'Frage zu meiner Bestellung',
    text: 'Hallo, wo bleibt meine Bestellung?',
    messageId: `<${randomUUID()}@kunde.example>`,
    date: new Date(),
    ...options,
  })
    .compile()
    .build();
}

/** A hand-written message (for encodings nodemailer never produces), with CRLF line ends. */
export function rawMail(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
}
