import { OWN_MESSAGE_ID } from './email-classifier.ts';
import { headerText, messageIdsIn, type ParsedEmail } from './mime-message.parser.ts';

/** What a report is about and what it says; `signal` records how it was recognised. */
export interface DeliveryReport {
  kind: 'delivery' | 'read-receipt' | 'abuse';
  /** Message-IDs of the original mail(s) the report is about, ours first. */
  originalMessageIds: string[];
  /** Our message ids (`X-Unisono-Message-Id`) found in the returned original. */
  ourMessageIds: string[];
  status: 'failed' | 'delivered' | 'read' | 'delayed' | 'complaint';
  reason: string;
  signal: string;
}

/** Local parts no human writes from: a mail from them is machine-generated whatever its subject. */
const DAEMON_LOCAL = /^(mailer-daemon|mail-daemon|mailerdaemon|mdaemon)$/i;
const DAEMON_LIKE_LOCAL =
  /^(postmaster|mailer-daemon|mail-daemon|mailerdaemon|mdaemon|bounces?|mail-?delivery)$/i;
const DAEMON_NAME =
  /mailer[- ]?daemon|mail delivery (system|subsystem|service)|postmaster|mail administrator/i;
/** Non-delivery subjects of common MTAs in many languages: only a fallback, never alone (see deliveryReport). */
const BOUNCE_SUBJECT = new RegExp(
  [
    'undeliver',
    'returned (mail|to sender)',
    'delivery (status notification|failure|failed|has failed|problem|notification)',
    'failure notice',
    'mail delivery (failed|failure|system|subsystem)',
    '(message|mail) (not delivered|could not be delivered)',
    'non-?delivery',
    'could not be delivered',
    'unzustellbar',
    'nicht zustellbar',
    'nicht zugestellt',
    'zustellung fehlgeschlagen',
    'fehler bei der (nachrichten)?zustellung',
    'non remis',
    'non distribuable',
    'impossible de (remettre|distribuer)',
    'échec de (la )?(remise|distribution)',
    'non délivré',
    'no se (puede|pudo) entregar',
    'no entregado',
    'entrega fallida',
    'error de entrega',
    'non recapitabile',
    'mancato recapito',
    'impossibile recapitare',
    'consegna non riuscita',
    'não entregue',
    'falha (na|de) entrega',
    'onbestelbaar',
    'niet (afgeleverd|bezorgd)',
    'bezorging mislukt',
    'niedostarczalne',
    'nie (można|mozna) dostarczyć',
    'niedostarczon',
    'nedoručiteln',
    'nedoručen',
    'olevererbar',
    'kunde inte levereras',
    'kan ikke leveres',
    'ikke leveret',
    'toimitus epäonnistui',
    'недостав',
    'не доставлено',
    'не удалось доставить',
    'teslim edilemedi',
    'kézbesíthetetlen',
    'δεν παραδόθηκε',
    '配信不能',
    '配信エラー',
    '配信失敗',
    '送信できませんでした',
    '退信',
    '投递失败',
    '无法投递',
    '傳遞失敗',
    '無法傳遞',
    '전달 실패',
    '배달 실패',
    '반송',
  ].join('|'),
  'i',
);
const DELAY_SUBJECT =
  /delayed mail|delivery (delayed|delay|incomplete)|still being retried|warning: (could not|message)|verzögert|retardée|retrasad|ritardat|遅延/i;
const DIAGNOSTIC = /\b([45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}[^\n]{0,200})/;
const OUR_MESSAGE_HEADER =
  /^x-unisono-message-id:\s*<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>?/gim;
const HEADER_PARTS = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'];

/** Fields of a DSN/MDN/ARF part: blocks of `Name: value` separated by blank lines (RFC 3464, 8098, 5965). */
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

const partsOf = (mail: ParsedEmail, types: string[]) =>
  mail.attachments.filter((attachment) => types.includes(attachment.contentType));

/**
 * Where the returned original is identified: its attached message or headers, an inline copy in the text
 * (qmail and friends quote it), our Message-IDs anywhere, then the threading headers.
 */
function originals(mail: ParsedEmail): { messageIds: string[]; ours: string[] } {
  const ids: string[] = [];
  const ours: string[] = [];
  const scan = (text: string, onlyFirst: boolean) => {
    for (const match of text.matchAll(/^message-id:\s*(<[^>\n]+>|[^\s<>]+@[^\s<>]+)/gim)) {
      ids.push(...messageIdsIn(match[1]));
      if (onlyFirst) break;
    }
    for (const match of text.matchAll(OUR_MESSAGE_HEADER)) ours.push(match[1]!.toLowerCase());
  };
  for (const attachment of partsOf(mail, HEADER_PARTS)) {
    const head = attachment.data.subarray(0, 65_536).toString('utf8');
    scan(head.split(/\r?\n\r?\n/)[0] ?? '', true);
  }
  const body = `${mail.text}\n${mail.html ?? ''}`;
  scan(body, false);
  for (const match of body.matchAll(/unisono\.[0-9a-f-]{36}@[a-z0-9.-]+/gi)) ids.push(match[0]);
  ids.push(...mail.inReplyTo, ...mail.references);
  const unique = [...new Set(ids)].filter((id) => id !== mail.messageId);
  return {
    messageIds: [
      ...unique.filter((id) => OWN_MESSAGE_ID.test(id)),
      ...unique.filter((id) => !OWN_MESSAGE_ID.test(id)),
    ],
    ours: [...new Set(ours)],
  };
}

function report(
  mail: ParsedEmail,
  fields: Omit<DeliveryReport, 'originalMessageIds' | 'ourMessageIds'>,
): DeliveryReport {
  const found = originals(mail);
  return {
    ...fields,
    reason: fields.reason.slice(0, 1000),
    originalMessageIds: found.messageIds,
    ourMessageIds: found.ours,
  };
}

function readReceipt(mail: ParsedEmail): DeliveryReport {
  const [part] = partsOf(mail, ['message/disposition-notification']);
  const fields = part ? reportFields(part.data).flatMap((block) => [...block]) : [];
  const field = (name: string) => fields.find(([key]) => key === name)?.[1];
  const disposition = field('disposition') ?? '';
  const result = report(mail, {
    kind: 'read-receipt',
    status: /displayed/i.test(disposition) ? 'read' : 'delayed',
    reason: `Read receipt: ${disposition}`,
    signal: 'multipart/report (disposition-notification)',
  });
  const ids = messageIdsIn(field('original-message-id') ?? '');
  return ids.length > 0 ? { ...result, originalMessageIds: ids } : result;
}

function abuseReport(mail: ParsedEmail, signal: string): DeliveryReport {
  const [part] = partsOf(mail, ['message/feedback-report']);
  const fields = new Map(part ? reportFields(part.data).flatMap((block) => [...block]) : []);
  const type = fields.get('feedback-type') ?? 'abuse';
  const about = fields.get('original-rcpt-to') ?? fields.get('removal-recipient');
  return report(mail, {
    kind: 'abuse',
    status: 'complaint',
    reason: `Abuse report (${type})${about ? ` by ${about}` : ''}${fields.get('user-agent') ? ` from ${fields.get('user-agent')}` : ''}`,
    signal,
  });
}

function dsn(mail: ParsedEmail, signal: string): DeliveryReport {
  const statuses = partsOf(mail, ['message/delivery-status', 'message/global-delivery-status'])
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
    return `${kind} ${status}${recipient ? ` for ${recipient}` : ''}${diagnostic ? `: ${diagnostic}` : ''}`;
  };
  if (failed.length > 0)
    return report(mail, {
      kind: 'delivery',
      status: 'failed',
      reason: failed.map(describe).join('; '),
      signal,
    });
  if (delayed.length > 0) {
    const reason = `Delayed ${delayed[0]!.get('status') ?? ''}`.trim();
    return report(mail, { kind: 'delivery', status: 'delayed', reason, signal });
  }
  if (statuses.some((fields) => /delivered|relayed|expanded/i.test(fields.get('action') ?? '')))
    return report(mail, { kind: 'delivery', status: 'delivered', reason: 'Delivery notification', signal });
  return heuristicBounce(mail, signal);
}

/** A non-standard bounce: the reason from X-Failed-Recipients and the SMTP diagnostic in the text. */
function heuristicBounce(mail: ParsedEmail, signal: string): DeliveryReport {
  const diagnostic = DIAGNOSTIC.exec(mail.text)?.[1];
  const delayed = !diagnostic && DELAY_SUBJECT.test(mail.subject ?? '');
  const hard = !diagnostic || diagnostic.startsWith('5');
  const recipients = headerText(mail.headers, 'x-failed-recipients');
  const reason = delayed
    ? `Delayed: ${mail.subject}`
    : `${hard ? 'Hard bounce' : 'Soft bounce'}${recipients ? ` for ${recipients}` : ''}: ${diagnostic ?? mail.subject ?? 'undeliverable'}`;
  return report(mail, { kind: 'delivery', status: delayed ? 'delayed' : 'failed', reason, signal });
}

/** The sender as the header shows it, for mails whose From has no usable address (`MAILER-DAEMON`, `<>`). */
function senderText(mail: ParsedEmail): string {
  return headerText(mail.headers, 'from') ?? '';
}

/**
 * A delivery status notification (bounce, delay, success), read receipt or abuse report, or undefined for
 * ordinary mail. Structure decides first: multipart/report and its report-type, a message/delivery-status or
 * message/feedback-report part anywhere, X-Failed-Recipients, a sender no human writes from (MAILER-DAEMON,
 * also with an empty address). A null envelope sender (`<>`, or Return-Path: <>) or a postmaster sender counts
 * only with a second sign (no From address, a bounce subject, an SMTP diagnostic, a returned original): vacation
 * replies are sent with a null sender too. A bounce-like subject in any language is the last fallback and also
 * needs a machine sender, so a customer writing "undelivered parcel" is never taken for a bounce.
 */
export function deliveryReport(mail: ParsedEmail, envelopeFrom?: string): DeliveryReport | undefined {
  const reportType = mail.contentTypeParams['report-type']?.toLowerCase();
  if (mail.contentType === 'multipart/report') {
    if (reportType === 'disposition-notification') return readReceipt(mail);
    if (reportType === 'feedback-report') return abuseReport(mail, 'multipart/report (feedback-report)');
    return dsn(mail, `multipart/report (${reportType ?? 'no report-type'})`);
  }
  if (partsOf(mail, ['message/feedback-report']).length > 0)
    return abuseReport(mail, 'message/feedback-report part');
  if (partsOf(mail, ['message/delivery-status', 'message/global-delivery-status']).length > 0)
    return dsn(mail, 'message/delivery-status part');
  if (mail.headers.has('x-failed-recipients')) return heuristicBounce(mail, 'X-Failed-Recipients');

  const address = mail.from?.address;
  const local = address?.slice(0, address.lastIndexOf('@')) ?? '';
  const shown = senderText(mail);
  if (address ? DAEMON_LOCAL.test(local) : DAEMON_NAME.test(shown))
    return heuristicBounce(mail, address ? 'MAILER-DAEMON sender' : 'MAILER-DAEMON without an address');
  const nullSender =
    envelopeFrom === '' || /^\s*<\s*>\s*$/.test(headerText(mail.headers, 'return-path') ?? 'x');
  const machineSender = !address || DAEMON_LIKE_LOCAL.test(local) || DAEMON_NAME.test(shown);
  const bounceSubject = BOUNCE_SUBJECT.test(mail.subject ?? '') || DELAY_SUBJECT.test(mail.subject ?? '');
  const evidence =
    !address ||
    bounceSubject ||
    DIAGNOSTIC.test(mail.text) ||
    partsOf(mail, HEADER_PARTS).length > 0 ||
    (machineSender && /\bdeliver/i.test(mail.text));
  if (nullSender && evidence) return heuristicBounce(mail, 'null envelope sender');
  if (machineSender && bounceSubject) return heuristicBounce(mail, 'subject');
  return undefined;
}
