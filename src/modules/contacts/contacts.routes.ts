import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentContact } from './contact.presenter.ts';
import type { ContactService } from './contact.service.ts';
import {
  ContactListQuery,
  ContactParams,
  ContactView,
  CreateContactBody,
  IdentityBody,
  IdentityParams,
  UpdateContactBody,
} from './contacts.schema.ts';

export function registerContactRoutes(app: App, contacts: ContactService) {
  const present = ({ contact, identities, organizations }: Awaited<ReturnType<ContactService['get']>>) =>
    presentContact(contact, identities, organizations);

  app.get(
    '/api/v1/contacts',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'List or search contacts by name, email or phone',
        querystring: ContactListQuery,
        response: { 200: z.object({ items: z.array(ContactView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const page = await contacts.search(request.actor.tenantId, request.query);
      return { items: page.items.map(present), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/contacts',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Create a contact',
        body: CreateContactBody,
        response: { 201: ContactView },
      },
    },
    async (request, reply) =>
      reply.code(201).send(present(await contacts.create(request.actor, request.body))),
  );

  app.get(
    '/api/v1/contacts/:id',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'One contact with identities',
        params: ContactParams,
        response: { 200: ContactView },
      },
    },
    async (request) => present(await contacts.get(request.actor.tenantId, request.params.id)),
  );

  app.patch(
    '/api/v1/contacts/:id',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Update a contact',
        params: ContactParams,
        body: UpdateContactBody,
        response: { 200: ContactView },
      },
    },
    async (request) => present(await contacts.update(request.actor, request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/contacts/:id',
    {
      config: requireRole('supervisor'),
      schema: {
        tags: ['contacts'],
        summary: 'Delete a contact without conversations',
        params: ContactParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await contacts.remove(request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/contacts/:id/identities',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Add an identity',
        params: ContactParams,
        body: IdentityBody,
        response: { 201: ContactView },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(present(await contacts.addIdentity(request.actor, request.params.id, request.body))),
  );

  app.delete(
    '/api/v1/contacts/:id/identities/:identityId',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts'],
        summary: 'Remove an identity',
        params: IdentityParams,
        response: { 200: ContactView },
      },
    },
    async (request) =>
      present(await contacts.removeIdentity(request.actor, request.params.id, request.params.identityId)),
  );
}
