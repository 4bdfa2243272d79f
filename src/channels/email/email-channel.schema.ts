import { z } from 'zod';

const port = z.number().int().min(1).max(65535);
const security = z.enum(['tls', 'starttls', 'none']);
const lowerEmail = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase());

/** Header that marks mail we sent, so it is recognised (and dropped) if it ever comes back in. */
export const UNISONO_MESSAGE_HEADER = 'x-unisono-message-id';
/** Header alternative to `?token=` on the raw MIME endpoint: `sha256=<hex HMAC of the body>`. */
export const RAW_MIME_SIGNATURE_HEADER = 'x-unisono-signature';

/**
 * Settings of an email channel. Flat on purpose: PATCH merges top-level keys, so changing the SMTP
 * host must not wipe the IMAP settings.
 */
export const EmailChannelSettings = z
  .object({
    address: lowerEmail.describe('the channel address: From of replies, accepted by the SMTP receiver'),
    displayName: z.string().trim().min(1).max(200).optional().describe('shown as the From name'),
    aliases: z.array(lowerEmail).max(50).default([]).describe('further addresses that land in this channel'),
    smtpHost: z.string().min(1).max(255).optional().describe('outbound SMTP server'),
    smtpPort: port.optional().describe('default 465 for tls, else 587'),
    smtpSecurity: security.default('starttls'),
    smtpUser: z.string().max(320).optional(),
    smtpPassword: z.string().max(1000).optional(),
    imapHost: z.string().min(1).max(255).optional().describe('mailbox to poll; unset = no IMAP'),
    imapPort: port.optional().describe('default 993 for tls, else 143'),
    imapSecurity: security.default('tls'),
    imapUser: z.string().max(320).optional(),
    imapPassword: z.string().max(1000).optional(),
    imapMailbox: z.string().min(1).max(255).default('INBOX'),
    imapAfterFetch: z
      .enum(['seen', 'move', 'delete'])
      .default('seen')
      .describe('what happens to a fetched mail once it is stored'),
    imapMoveTo: z.string().min(1).max(255).default('Unisono'),
    imapPollSeconds: z.number().int().min(5).max(3600).default(60),
    tlsRejectUnauthorized: z
      .boolean()
      .default(true)
      .describe('verify server certificates (turn off only for self-signed test servers)'),
    signatureTemplate: z
      .string()
      .max(4000)
      .optional()
      .describe('appended to every reply; {{agent.name}}, {{channel.name}}, {{conversation.number}}'),
    messageIdDomain: z.string().min(1).max(255).optional().describe('domain of our Message-IDs'),
    dkimDomain: z.string().min(1).max(255).optional(),
    dkimSelector: z.string().min(1).max(63).optional(),
    dkimPrivateKey: z.string().max(10_000).optional(),
    signingSecret: z.string().min(16).optional().describe('keys reply-address tokens; generated'),
    inboundToken: z.string().min(16).optional().describe('`?token=` of the raw MIME endpoint; generated'),
  })
  .refine((settings) => !settings.imapHost || settings.imapUser, {
    message: 'imapUser is required with imapHost',
    path: ['imapUser'],
  })
  .refine((settings) => !settings.dkimDomain || (settings.dkimSelector && settings.dkimPrivateKey), {
    message: 'dkimSelector and dkimPrivateKey are required with dkimDomain',
    path: ['dkimSelector'],
  });
export type EmailChannelSettings = z.infer<typeof EmailChannelSettings>;

export const EMAIL_SECRET_SETTINGS = [
  'smtpPassword',
  'imapPassword',
  'dkimPrivateKey',
  'signingSecret',
  'inboundToken',
] as const;
