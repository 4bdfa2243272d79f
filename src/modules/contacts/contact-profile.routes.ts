import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentContact } from './contact.presenter.ts';
import type { ContactService } from './contact.service.ts';
import type { ContactMergeService } from './contact-merge.service.ts';
import type { ContactTimelineService } from './contact-timeline.service.ts';
import {
  AttributeDefinitionBody,
  AttributeDefinitionView,
  ContactNoteBody,
  ContactNoteView,
  ContactParams,
  ContactView,
  IdentityParams,
  MergeContactsBody,
  MergeParams,
  MergeSuggestionView,
  MergeView,
  SuggestionParams,
  TimelineItemView,
  TimelineQuery,
  UpdateIdentityBody,
} from './contacts.schema.ts';
import type { CustomAttributeService } from './custom-attributes.service.ts';
import type { MergeSuggestionService } from './merge-suggestion.service.ts';

export interface ContactProfileServices {
  contacts: ContactService;
  merges: ContactMergeService;
  timeline: ContactTimelineService;
  attributes: CustomAttributeService;
  suggestions: MergeSuggestionService;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The 360° customer view: timeline, merge/split, suggestions, consent, notes, typed attributes. */
export function registerContactProfileRoutes(app: App, services: ContactProfileServices) {
  const { contacts, merges, timeline, attributes, suggestions } = services;
  const view = async (tenantId: string, contactId: string) => {
    const found = await contacts.get(tenantId, contactId);
    return presentContact(found.contact, found.identities, found.organizations);
  };

  app.get(
    '/api/v1/contacts/:id/timeline',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary:
          'Everything about this customer on every channel, newest first (messages, notes, activity, merges, CRM, …)',
        params: ContactParams,
        querystring: TimelineQuery,
        response: { 200: z.object({ items: z.array(TimelineItemView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => timeline.page(request.actor, request.params.id, request.query),
  );

  app.post(
    '/api/v1/contacts/:id/merge',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Merge other contacts into this one (undoable)',
        params: ContactParams,
        body: MergeContactsBody,
        response: { 200: z.object({ contact: ContactView, mergeIds: z.array(z.uuid()) }) },
      },
    },
    async (request) => {
      const result = await merges.merge(request.actor, request.params.id, request.body);
      return { contact: await view(request.actor.tenantId, result.survivorId), mergeIds: result.mergeIds };
    },
  );

  app.get(
    '/api/v1/contacts/:id/merges',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Merges into this contact, oldest first',
        params: ContactParams,
        response: { 200: z.object({ items: z.array(MergeView) }) },
      },
    },
    async (request) => {
      await contacts.get(request.actor.tenantId, request.params.id);
      const rows = await merges.mergesOf(request.actor.tenantId, request.params.id);
      return {
        items: rows.map((row) => ({
          id: row.id,
          survivorId: row.survivorId,
          mergedId: row.mergedId,
          actorUserId: row.actorUserId,
          createdAt: row.createdAt.toISOString(),
          undoneAt: iso(row.undoneAt),
        })),
      };
    },
  );

  app.post(
    '/api/v1/contact-merges/:mergeId/undo',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Split a merged contact off again, with the identities and conversations it brought',
        params: MergeParams,
        response: { 200: z.object({ survivor: ContactView, restored: ContactView }) },
      },
    },
    async (request) => {
      const result = await merges.split(request.actor, request.params.mergeId);
      return {
        survivor: await view(request.actor.tenantId, result.survivorId),
        restored: await view(request.actor.tenantId, result.restoredId),
      };
    },
  );

  app.get(
    '/api/v1/merge-suggestions',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Contacts that may be the same person, with the evidence',
        querystring: z.object({
          contact: z.uuid().optional(),
          status: z.enum(['open', 'accepted', 'dismissed']).default('open'),
        }),
        response: { 200: z.object({ items: z.array(MergeSuggestionView) }) },
      },
    },
    async (request) => {
      const rows = await suggestions.list(request.actor.tenantId, {
        contactId: request.query.contact,
        status: request.query.status,
      });
      return { items: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })) };
    },
  );

  app.post(
    '/api/v1/merge-suggestions/:suggestionId/dismiss',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'These are different people',
        params: SuggestionParams,
        response: { 200: MergeSuggestionView },
      },
    },
    async (request) => {
      const row = await suggestions.dismiss(request.actor, request.params.suggestionId);
      return { ...row, createdAt: row.createdAt.toISOString() };
    },
  );

  app.patch(
    '/api/v1/contacts/:id/identities/:identityId',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Record consent (opt-in/opt-out with source) or verification of one identity',
        params: IdentityParams,
        body: UpdateIdentityBody,
        response: { 200: ContactView },
      },
    },
    async (request) => {
      const found = await contacts.updateIdentity(
        request.actor,
        request.params.id,
        request.params.identityId,
        request.body,
      );
      return presentContact(found.contact, found.identities, found.organizations);
    },
  );

  app.get(
    '/api/v1/contacts/:id/notes',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Notes about this customer',
        params: ContactParams,
        response: { 200: z.object({ items: z.array(ContactNoteView) }) },
      },
    },
    async (request) => ({
      items: (await contacts.notes(request.actor.tenantId, request.params.id)).map((note) => ({
        ...note,
        createdAt: note.createdAt.toISOString(),
      })),
    }),
  );

  app.post(
    '/api/v1/contacts/:id/notes',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Add a note about this customer',
        params: ContactParams,
        body: ContactNoteBody,
        response: { 201: ContactNoteView },
      },
    },
    async (request, reply) => {
      const note = await contacts.addNote(request.actor, request.params.id, request.body.text);
      return reply.code(201).send({ ...note, createdAt: note.createdAt.toISOString() });
    },
  );

  app.get(
    '/api/v1/contact-attributes',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Custom attribute definitions',
        response: { 200: z.object({ items: z.array(AttributeDefinitionView) }) },
      },
    },
    async (request) => ({
      items: (await attributes.list(request.actor.tenantId)).map((row) => ({
        ...row,
        createdAt: row.createdAt.toISOString(),
      })),
    }),
  );

  app.post(
    '/api/v1/contact-attributes',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['contacts'],
        summary: 'Define a typed custom attribute',
        body: AttributeDefinitionBody,
        response: { 201: AttributeDefinitionView },
      },
    },
    async (request, reply) => {
      const row = await attributes.define(request.actor, request.body);
      return reply.code(201).send({ ...row, createdAt: row.createdAt.toISOString() });
    },
  );

  app.delete(
    '/api/v1/contact-attributes/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['contacts'],
        summary: 'Remove an attribute definition (values stay)',
        params: ContactParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await attributes.remove(request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
