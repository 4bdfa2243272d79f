import { UNISONO_MESSAGE_HEADER } from './email-channel.schema.ts';
import { headerText, type ParsedEmail } from './mime-message.parser.ts';

/** Our own Message-IDs: `unisono.<message uuid>@domain`. */
export const OWN_MESSAGE_ID = /^unisono\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@/i;

const AUTO_REPLY_SUBJECT =
  /^\s*(auto(matic|matische)?[ -]?(reply|response|antwort)|autoreply|auto:|out of (the )?office|ooo:|abwesenheit(snotiz)?|automatische (abwesenheitsnotiz|antwort)|ich bin (derzeit |zurzeit |momentan )?(nicht im büro|abwesend|im urlaub)|urlaubsabwesenheit|réponse automatique|absence du bureau|risposta automatica|respuesta automática|fuera de la oficina)/i;

/** Mail we sent ourselves that came back (a forwarding loop, a misconfigured alias): never ingest. */
export function isOwnMail(mail: ParsedEmail): boolean {
  return (
    mail.headers.has(UNISONO_MESSAGE_HEADER) ||
    (mail.messageId !== undefined && OWN_MESSAGE_ID.test(mail.messageId))
  );
}

/** Why a mail is automatic (out-of-office, autoresponder, bulk, list), or undefined for a human's mail. */
export function autoReplyReason(mail: ParsedEmail): string | undefined {
  const header = (name: string) => headerText(mail.headers, name)?.trim().toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-reply']) {
    if (mail.headers.has(name)) return name;
  }
  const precedence = header('precedence') ?? header('x-precedence');
  if (precedence && /^(bulk|junk|list|auto_reply)$/.test(precedence)) return `Precedence: ${precedence}`;
  if (mail.headers.has('list-id')) return 'List-Id';
  if (header('x-ms-exchange-generated-message-source')?.includes('mailbox rules')) return 'Exchange rule';
  if (mail.subject && AUTO_REPLY_SUBJECT.test(mail.subject)) return 'subject';
  return undefined;
}
