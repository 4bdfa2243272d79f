import type { EntityKind, TenantFixture } from './tenant-fixture.ts';

/** Which entity a path parameter names, by the path segment before it; a new pair must be added here. */
export const PATH_PARAMS: Record<string, EntityKind | 'skip'> = {
  'attachments/:id': 'attachment',
  'canned-answers/:id': 'cannedAnswer',
  'channels/:id': 'channel',
  'contact-attributes/:id': 'attribute',
  'contact-merges/:mergeId': 'merge',
  'contacts/:id': 'contact',
  'conversations/:id': 'conversation',
  'failed-inbound/:id': 'failedInboundEmail',
  'activity-log/:id': 'crmActivity',
  'identities/:identityId': 'identity',
  'inbound/:channelId': 'channel',
  'invitations/:id': 'invitation',
  // The link is the credential: whoever holds it may see what it offers (tested in invitations.test.ts).
  'invitations/:token': 'skip',
  'labels/:id': 'label',
  'merge-suggestions/:suggestionId': 'mergeSuggestion',
  'messages/:messageId': 'message',
  'teams/:id': 'team',
  'tokens/:id': 'token',
  'users/:id': 'user',
  'views/:id': 'savedView',
};

/** Body and query fields that carry ids, by name; a uuid field not listed here fails the walk. */
export const ID_FIELDS: Record<string, EntityKind> = {
  actor: 'user',
  assignee: 'user',
  assigneeId: 'user',
  before: 'message',
  channel: 'channel',
  channelId: 'channel',
  contact: 'contact',
  contactIds: 'otherContact',
  entityId: 'team',
  identityId: 'identity',
  memberIds: 'user',
  messageId: 'message',
  name: 'contact',
  preferredChannelId: 'channel',
  team: 'team',
  teamId: 'team',
};

/** Values the sampler cannot guess, for bodies that must be valid for the ids in them to be checked. */
export const BODY_EXTRAS: Record<
  string,
  Record<string, unknown> | ((other: TenantFixture) => Record<string, unknown>)
> = {
  // Inviting the other tenant's member by email must tell nothing of their account there.
  'POST /api/v1/users': (other) => ({ email: other.memberEmail, name: 'probe' }),
  'POST /api/v1/conversations/:id/replies': { text: 'isolation probe' },
  'PUT /api/v1/integrations/crm': { baseUrl: 'https://crm.example.invalid', enabled: false },
  'POST /api/v1/channels': { kind: 'api', settings: {} },
  'PATCH /api/v1/channels/:id': { settings: {} },
  'POST /api/v1/contact-attributes': { key: 'probe', type: 'text' },
  'POST /api/v1/canned-answers': { shortcut: 'probe' },
  'POST /api/v1/tenants': { slug: 'isolation-probe' },
  'PATCH /api/v1/users/:id': { availability: 'offline' },
  'POST /api/v1/contacts/:id/identities': { kind: 'email', value: 'probe@example.org' },
  'PATCH /api/v1/contacts/:id/identities/:identityId': { verified: true },
  'PATCH /api/v1/labels/:id': { description: 'probe' },
  'PATCH /api/v1/canned-answers/:id': { title: 'probe' },
};

/**
 * Routes that keep ids in a body as opaque filter values, never looking them up (a saved view filtering on
 * a channel the tenant does not have simply matches nothing). Any other route must refuse a foreign id.
 */
export const OPAQUE_ID_ROUTES = new Set(['POST /api/v1/inbox/views', 'PATCH /api/v1/inbox/views/:id']);

type Schema = Record<string, any>;

export interface Sampled {
  value: unknown;
  /** The id fields filled in (their dotted names), to tell a refusal of an id from a bad fixture. */
  idFields: string[];
}

/** A minimal valid value of a JSON schema, with every id field set to the given fixture's ids. */
export function sample(schema: Schema | undefined, fixture: TenantFixture, path = ''): Sampled {
  const idFields: string[] = [];
  const walk = (node: Schema | undefined, name: string, dotted: string): unknown => {
    if (!node) return undefined;
    const options: Schema[] = node.anyOf ?? node.oneOf ?? [];
    const uuidOption = options.find((option) => option.format === 'uuid');
    if (node.format === 'uuid' || uuidOption || (node.type === 'array' && node.items?.format === 'uuid')) {
      const kind = ID_FIELDS[name];
      if (!kind) throw new Error(`id field ${dotted} is not in ID_FIELDS (test/support/route-probes.ts)`);
      idFields.push(dotted);
      return node.type === 'array' ? [fixture.ids[kind]] : fixture.ids[kind];
    }
    if (options.length > 0)
      return walk(options.find((option) => option.type !== 'null') ?? options[0], name, dotted);
    if (node.const !== undefined) return node.const;
    if (node.enum) return node.enum[0];
    if (node.default !== undefined && node.type !== 'object') return node.default;
    switch (node.type) {
      case 'string':
        if (node.format === 'email') return 'probe@example.org';
        if (node.format === 'uri') return 'https://probe.example.invalid';
        if (node.format === 'date-time') return new Date().toISOString();
        return 'probe'.padEnd(node.minLength ?? 0, 'x');
      case 'integer':
      case 'number':
        return Math.max(node.minimum ?? 1, 1);
      case 'boolean':
        return false;
      case 'array':
        return node.minItems ? [walk(node.items, name, `${dotted}[0]`)] : [];
      case 'object': {
        const result: Record<string, unknown> = {};
        for (const [key, child] of Object.entries<Schema>(node.properties ?? {})) {
          const required = node.required?.includes(key);
          const value = walk(child, key, dotted ? `${dotted}.${key}` : key);
          if (required || idFields.some((field) => field.startsWith(dotted ? `${dotted}.${key}` : key)))
            result[key] = value;
        }
        return result;
      }
      default:
        return undefined;
    }
  };
  return { value: walk(schema, '', path), idFields };
}
