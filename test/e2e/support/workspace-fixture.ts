import {
  createTenant,
  type GivenChannel,
  type GivenTenant,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../support/factories.ts';
import { FakeReceiver } from '../../support/fake-receiver.ts';
import type { TestApp } from '../../support/test-app.ts';

export interface Workspace {
  tenant: GivenTenant;
  receiver: FakeReceiver;
  shop: GivenChannel;
  whatsapp: GivenChannel;
  colleague: { id: string; name: string; email: string };
  stop(): Promise<void>;
}

/**
 * A tenant that looks like a small shop's service desk: two channels whose replies reach a local fake
 * provider, a colleague, labels, canned answers and a few customers with conversations.
 */
export async function givenWorkspace(app: TestApp): Promise<Workspace> {
  const tenant = await createTenant(app);
  let delivered = 0;
  const receiver = await new FakeReceiver(() => ({
    status: 200,
    body: { id: `provider-${++delivered}` },
  })).start();
  const shop = await givenApiChannel(tenant, { webhookUrl: receiver.url }, 'Webshop');
  const whatsapp = await givenApiChannel(tenant, { webhookUrl: receiver.url }, 'WhatsApp Business');
  const colleagueEmail = `${unique('bernd')}@example.test`;
  const colleague = await app.unisono.services.users.create(tenant.id, null, {
    email: colleagueEmail,
    name: 'Bernd Berger',
    role: 'agent',
    password: 'agent password 123',
  });
  await tenant.api.post('/api/v1/teams', { name: 'Versand', memberIds: [tenant.admin.id, colleague.id] });
  for (const [name, color] of [
    ['Rückerstattung', '#b91c1c'],
    ['VIP', '#7c3aed'],
    ['Lieferung', '#047857'],
  ] as const) {
    await tenant.api.post('/api/v1/labels', { name, color });
  }
  await tenant.api.post('/api/v1/canned-answers', {
    shortcut: 'lieferzeit',
    title: 'Lieferzeit',
    body: 'Hallo {{contact.firstName}}, Ihr Paket ist unterwegs und kommt in 1–2 Werktagen. Viele Grüße, {{agent.name}}',
    language: 'de',
  });
  await tenant.api.post('/api/v1/canned-answers', {
    shortcut: 'thanks',
    title: 'Thank you',
    body: 'Thanks for reaching out, {{contact.name}}! {{agent.firstName}}',
    language: 'en',
  });
  const customers = [
    {
      name: 'Jonas Weber',
      kind: 'whatsapp',
      value: '+4915112345678',
      text: 'Kann ich meine Adresse noch ändern?',
    },
    {
      name: 'Mia Hoffmann',
      kind: 'email',
      value: 'mia.hoffmann@example.de',
      text: 'Die Rechnung fehlt im Paket.',
    },
    { name: 'Lukas Becker', kind: 'email', value: 'lukas@example.com', text: 'Where is my order 5521?' },
  ];
  for (const customer of customers) {
    const channel = customer.kind === 'whatsapp' ? whatsapp : shop;
    const { conversationId } = await receiveApiMessage(app, channel, {
      from: { kind: customer.kind, value: customer.value, name: customer.name },
      text: customer.text,
    });
    if (customer.name === 'Mia Hoffmann') {
      await tenant.api.patch(`/api/v1/conversations/${conversationId}`, {
        priority: 'high',
        labels: ['Rückerstattung'],
      });
    }
  }
  return {
    tenant,
    receiver,
    shop,
    whatsapp,
    colleague: { id: colleague.id, name: 'Bernd Berger', email: colleagueEmail },
    stop: () => receiver.stop(),
  };
}
