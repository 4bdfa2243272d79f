import { z } from 'zod';
import { CRM_ACTIVITY_STATUSES } from './crm.tables.ts';

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000)
  .transform((value) => value.replace(/\/+$/, ''));

export const CrmConnectorBody = z.object({
  baseUrl: httpUrl.describe('`POST {baseUrl}/lookup` and `POST {baseUrl}/activities` are called'),
  timeoutMs: z.number().int().min(100).max(30_000).default(3000),
  cacheTtlSeconds: z.number().int().min(0).max(604_800).default(900),
  enabled: z.boolean().default(true),
  writeBackEnabled: z.boolean().default(true),
  rotateSecret: z.boolean().default(false).describe('generate a new signing secret (returned this once)'),
});
export type CrmConnectorBody = z.infer<typeof CrmConnectorBody>;

export const CrmConnectorView = z.object({
  kind: z.literal('http'),
  baseUrl: z.string(),
  timeoutMs: z.number().int(),
  cacheTtlSeconds: z.number().int(),
  enabled: z.boolean(),
  writeBackEnabled: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CrmConnectorView = z.infer<typeof CrmConnectorView>;

export const SavedCrmConnectorView = CrmConnectorView.extend({
  signingSecret: z
    .string()
    .optional()
    .describe(
      'only when the connector was created or its secret rotated: store it now, it is not shown again',
    ),
});

/** What Unisono sends to `POST {baseUrl}/lookup`. */
export const CrmLookupQuery = z.object({
  contactId: z.uuid(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  externalId: z.string().nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
});
export type CrmLookupQuery = z.infer<typeof CrmLookupQuery>;

const text = (max: number) => z.string().max(max);

export const CrmOrder = z.object({
  id: z.union([text(200), z.number()]).transform(String),
  date: text(64)
    .nullish()
    .transform((value) => value ?? null),
  total: z
    .union([z.number(), text(64)])
    .nullish()
    .transform((value) => value ?? null),
  currency: text(8)
    .nullish()
    .transform((value) => value ?? null),
  status: text(100)
    .nullish()
    .transform((value) => value ?? null),
  url: text(2000)
    .nullish()
    .transform((value) => value ?? null),
});

/** What the CRM answers to a lookup; unknown fields are ignored. */
export const CrmLookupResult = z.object({
  found: z.boolean(),
  externalId: z
    .union([text(200), z.number()])
    .nullish()
    .transform((value) => (value === null || value === undefined ? null : String(value))),
  profileUrl: text(2000)
    .nullish()
    .transform((value) => value ?? null),
  attributes: z.record(text(100), z.unknown()).default({}),
  orders: z.array(CrmOrder).max(200).default([]),
});
export type CrmLookupResult = z.infer<typeof CrmLookupResult>;

export const CrmCustomerView = z.object({
  enabled: z.boolean().describe('a connector is configured and enabled for this tenant'),
  found: z.boolean(),
  externalId: z.string().nullable(),
  profileUrl: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  orders: z.array(
    z.object({
      id: z.string(),
      date: z.string().nullable(),
      total: z.union([z.number(), z.string()]).nullable(),
      currency: z.string().nullable(),
      status: z.string().nullable(),
      url: z.string().nullable(),
    }),
  ),
  fetchedAt: z.iso.datetime().nullable().describe('when this data came from the CRM'),
  stale: z.boolean().describe('the data is older than the cache TTL because the last refresh failed'),
  error: z.string().nullable().describe('why the last refresh failed'),
  lastAttemptAt: z.iso.datetime().nullable(),
});
export type CrmCustomerView = z.infer<typeof CrmCustomerView>;

export const CrmCustomerQuery = z.object({
  refresh: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe('ask the CRM even if the cached answer is fresh'),
});

export const CrmActivityView = z.object({
  id: z.uuid(),
  kind: z.string(),
  conversationId: z.uuid(),
  conversationNumber: z.number().int(),
  status: z.enum(CRM_ACTIVITY_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  history: z.array(
    z.object({
      at: z.iso.datetime(),
      outcome: z.enum(['delivered', 'retryable', 'permanent']),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().int(),
    }),
  ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CrmActivityView = z.infer<typeof CrmActivityView>;

export const CrmActivityLogQuery = z.object({
  status: z.enum(CRM_ACTIVITY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CrmActivityLogQuery = z.infer<typeof CrmActivityLogQuery>;

export const CrmActivityParams = z.object({ id: z.uuid() });

const MessageExcerpt = z.object({
  text: z.string().describe('truncated to 1,000 characters'),
  at: z.iso.datetime(),
  channelId: z.uuid().nullable(),
});

/** What Unisono sends to `POST {baseUrl}/activities` when a conversation is resolved. */
export const CrmActivityPayload = z.object({
  type: z.literal('conversation.resolved'),
  id: z.uuid().describe('idempotency key: the same id is sent on every retry'),
  occurredAt: z.iso.datetime(),
  contact: z.object({
    id: z.uuid(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    externalId: z.string().nullable(),
  }),
  conversation: z.object({
    id: z.uuid(),
    number: z.number().int(),
    subject: z.string().nullable(),
    status: z.string(),
    priority: z.string(),
    labels: z.array(z.string()),
    channelIds: z.array(z.uuid()),
    messageCount: z.number().int(),
    firstMessageAt: z.iso.datetime().nullable(),
    lastMessageAt: z.iso.datetime().nullable(),
    resolvedAt: z.iso.datetime(),
    assignee: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable(),
  }),
  lastCustomerMessage: MessageExcerpt.nullable(),
  lastAgentReply: MessageExcerpt.extend({
    author: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  }).nullable(),
});
export type CrmActivityPayload = z.infer<typeof CrmActivityPayload>;
