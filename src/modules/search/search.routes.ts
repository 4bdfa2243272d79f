import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentContact } from '../contacts/contact.presenter.ts';
import { SearchQuery, SearchResultView } from './search.schema.ts';
import type { SearchService } from './search.service.ts';

export function registerSearchRoutes(app: App, search: SearchService) {
  app.get(
    '/api/v1/search',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['search'],
        summary:
          'Search contacts (name, email, phone fragment) and message text (German, English and simple full text)',
        querystring: SearchQuery,
        response: { 200: SearchResultView },
      },
    },
    async (request) => {
      const result = await search.search(request.actor, request.query);
      return {
        contacts: result.contacts.map((item) =>
          presentContact(item.contact, item.identities, item.organizations),
        ),
        messages: result.messages,
      };
    },
  );
}
