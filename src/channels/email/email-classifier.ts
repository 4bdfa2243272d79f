import { UNISONO_MESSAGE_HEADER } from './email-channel.schema.ts';
import { headerText, messageIdsIn, type ParsedEmail } from './mime-message.parser.ts';

/** Our own Message-IDs: `unisono.<message uuid>@domain`. */
export const OWN_MESSAGE_ID = /^unisono\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@/i;

const AUTO_REPLY_SUBJECT =
  /^\s*(auto(matic|matische)?[ -]?(reply|response|antwort)|autoreply|auto:|out of (the )?office|ooo:|abwesenheit(snotiz)?|automatische (abwesenheitsnotiz|antwort)|ich bin (derzeit |zurzeit |momentan )?(nicht im büro|abwesend|im urlaub)|urlaubsabwesenheit|réponse automatique|absence du bureau|risposta automatica|respuesta automática|fuera de la oficina)/i;
const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const BOUNCE_SUBJECT =
  /(undeliver|undelivered|returned mail|delivery (status notification|failure|has failed)|failure notice|mail delivery failed|unzustellbar|nicht zugestellt|zustellung fehlgeschlagen|non remis|non recapitabile)/i;

export interface DeliveryReport {
  /** Message-IDs of the original mail(s) the report is about, ours first. */
  originalMessageIds: string[];
  status: 'failed' | 'delivered' | 'read' | 'delayed';
  reason: string;
}

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

/** Fields of a DSN/MDN part: blocks of `Name: value` separated by blank lines (RFC 3464, RFC 8098). */
function reportFields(data: Buffer): Map<string, string>[] {
  return data
    .toString('utf8')
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

/** Message-IDs of the returned original: attached message or headers, then anything that looks like ours. */
function originalMessageIds(mail: ParsedEmail): string[] {
  const ids: string[] = [];
  for (const attachment of mail.attachments) {
    if (
      !['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'].includes(
        attachment.contentType,
      )
    )
      continue;
    const head = attachment.data.subarray(0, 65_536).toString('utf8');
    const headerBlock = head.split(/\r?\n\r?\n/)[0] ?? '';
    const match = /^message-id:\s*(<[^>]+>)/im.exec(headerBlock);
    if (match) ids.push(...messageIdsIn(match[1]));
  }
  const body = `${mail.text}\n${mail.html ?? ''}`;
  for (const match of body.matchAll(/unisono\.[0-9a-f-]{36}@[a-z0-9.-]+/gi)) ids.push(match[0]);
  ids.push(...mail.inReplyTo, ...mail.references);
  const unique = [...new Set(ids)];
  return [
    ...unique.filter((id) => OWN_MESSAGE_ID.test(id)),
    ...unique.filter((id) => !OWN_MESSAGE_ID.test(id)),
  ];
}

/**
 * A delivery status notification (bounce, delay, success) or read receipt, or undefined for ordinary mail.
 * Standard reports are multipart/report; the heuristic for the rest needs a mailer-daemon sender and a
 * bounce-like subject, so a customer writing "undelivered parcel" is never taken for a bounce.
 */
export function deliveryReport(mail: ParsedEmail): DeliveryReport | undefined {
  const reportType = mail.contentTypeParams['report-type']?.toLowerCase();
  if (mail.contentType === 'multipart/report' && reportType === 'disposition-notification') {
    const part = mail.attachments.find(
      (attachment) => attachment.contentType === 'message/disposition-notification',
    );
    const fields = part ? reportFields(part.data).flatMap((block) => [...block]) : [];
    const field = (name: string) => fields.find(([key]) => key === name)?.[1];
    const ids = messageIdsIn(field('original-message-id') ?? '');
    const disposition = field('disposition') ?? '';
    return {
      originalMessageIds: ids.length > 0 ? ids : originalMessageIds(mail),
      status: /displayed/i.test(disposition) ? 'read' : 'delayed',
      reason: `Read receipt: ${disposition}`,
    };
  }
  if (mail.contentType === 'multipart/report' && (reportType === 'delivery-status' || !reportType)) {
    const statuses = mail.attachments
      .filter(
        (attachment) =>
          attachment.contentType === 'message/delivery-status' ||
          attachment.contentType === 'message/global-delivery-status',
      )
      .flatMap((attachment) => reportFields(attachment.data))
      .filter((fields) => fields.has('action') || fields.has('status'));
    const failed = statuses.filter(
      (fields) => /failed/i.test(fields.get('action') ?? '') || /^5/.test(fields.get('status') ?? ''),
    );
    const delayed = statuses.filter((fields) => /delayed/i.test(fields.get('action') ?? ''));
    const describe = (fields: Map<string, string>) => {
      const status = fields.get('status') ?? '';
      const recipient = (fields.get('final-recipient') ?? fields.get('original-recipient') ?? '').replace(
        /^rfc822;\s*/i,
        '',
      );
      const kind = status.startsWith('5') ? 'Hard bounce' : 'Soft bounce (gave up after temporary failures)';
      const diagnostic = fields.get('diagnostic-code')?.replace(/^smtp;\s*/i, '');
      return `${kind} ${status}${recipient ? ` for ${recipient}` : ''}${diagnostic ? `: ${diagnostic}` : ''}`.slice(
        0,
        1000,
      );
    };
    if (failed.length > 0) {
      return {
        originalMessageIds: originalMessageIds(mail),
        status: 'failed',
        reason: failed.map(describe).join('; '),
      };
    }
    if (delayed.length > 0) {
      return {
        originalMessageIds: originalMessageIds(mail),
        status: 'delayed',
        reason: `Delayed ${delayed[0]!.get('status') ?? ''}`,
      };
    }
    if (statuses.some((fields) => /delivered|relayed|expanded/i.test(fields.get('action') ?? ''))) {
      return {
        originalMessageIds: originalMessageIds(mail),
        status: 'delivered',
        reason: 'Delivery notification',
      };
    }
    return {
      originalMessageIds: originalMessageIds(mail),
      status: 'failed',
      reason: 'Delivery report without status',
    };
  }
  const sender = mail.from?.address ?? '';
  if (
    (BOUNCE_SENDER.test(sender) || mail.headers.has('x-failed-recipients')) &&
    BOUNCE_SUBJECT.test(mail.subject ?? '')
  ) {
    const diagnostic = /\b([45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}[^\n]{0,200})/.exec(mail.text)?.[1];
    const hard = !diagnostic || diagnostic.startsWith('5');
    return {
      originalMessageIds: originalMessageIds(mail),
      status: 'failed',
      reason:
        `${hard ? 'Hard bounce' : 'Soft bounce'}: ${diagnostic ?? mail.subject ?? 'undeliverable'}`.slice(
          0,
          1000,
        ),
    };
  }
  return undefined;
}
