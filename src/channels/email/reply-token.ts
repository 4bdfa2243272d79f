import { createHmac, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const MAC_BYTES = 8;
/** 16 bytes conversation id + 8 bytes MAC, base32: 39 characters. */
const TOKEN_LENGTH = Math.ceil(((16 + MAC_BYTES) * 8) / 5);
const TOKEN_PATTERN = new RegExp(`^([^+@\\s]+)\\+([a-z2-7]{${TOKEN_LENGTH}})@(.+)$`, 'i');

/**
 * Lower-case base32, because some mail systems lower-case the local part; the token must survive that,
 * and the whole address must stay within the 64-character local-part limit.
 */
function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += ALPHABET[(value << (5 - bits)) & 31];
  return output;
}

function fromBase32(text: string): Buffer | undefined {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of text.toLowerCase()) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) return undefined;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

function mac(secret: string, id: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update('unisono-reply-token:')
    .update(id)
    .digest()
    .subarray(0, MAC_BYTES);
}

/** The reply token of a conversation: its id plus a MAC keyed with the channel secret. */
export function replyToken(secret: string, conversationId: string): string {
  const id = Buffer.from(conversationId.replaceAll('-', ''), 'hex');
  return base32(Buffer.concat([id, mac(secret, id)]));
}

/** `support@example.com` → `support+<token>@example.com`. */
export function replyAddress(address: string, secret: string, conversationId: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}+${replyToken(secret, conversationId)}@${address.slice(at + 1)}`;
}

/** The conversation id in a reply address, if its MAC is valid for this channel's secret. */
export function conversationFromReplyAddress(address: string, secret: string): string | undefined {
  const match = TOKEN_PATTERN.exec(address.trim());
  if (!match) return undefined;
  const bytes = fromBase32(match[2]!);
  if (bytes?.length !== 16 + MAC_BYTES) return undefined;
  const id = bytes.subarray(0, 16);
  if (!timingSafeEqual(bytes.subarray(16), mac(secret, id))) return undefined;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `support+anything@example.com` → `support@example.com` (sub-addressing). */
export function baseAddress(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 1) return lower;
  const plus = lower.indexOf('+');
  return plus > 0 && plus < at ? `${lower.slice(0, plus)}${lower.slice(at)}` : lower;
}

/** `[#1234]` in a subject: the conversation number we put there. */
export function conversationNumberInSubject(subject: string | undefined): number | undefined {
  const match = subject ? /\[#(\d{1,15})\]/.exec(subject) : null;
  if (!match) return undefined;
  const number = Number(match[1]);
  return Number.isSafeInteger(number) ? number : undefined;
}
