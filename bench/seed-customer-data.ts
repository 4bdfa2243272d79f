/**
 * Seeds a PostgreSQL database with a large, realistic tenant for the customer-view benchmarks:
 * contacts with email/phone identities, conversations, and German/English messages, plus one
 * "heavy" customer with 10,000 interactions across channels. Generated server-side with
 * generate_series, indexes dropped during the bulk load and rebuilt after.
 *
 *   node --import tsx bench/seed-customer-data.ts [--contacts=1000000] [--messages=10000000] [--database=NAME]
 */
import pg from 'pg';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateDatabase } from '../src/platform/db/migrate.ts';

export interface SeedOptions {
  adminUrl: string;
  database: string;
  contacts: number;
  messages: number;
  log?: (line: string) => void;
}

export const SEED_TENANT_SLUG = 'bench-customers';
export const HEAVY_CONTACT_INTERACTIONS = 10_000;

const GERMAN = [
  'Hallo, wo ist meine Bestellung %? Ich warte schon seit einer Woche.',
  'Meine Lieferung % ist leider beschädigt angekommen, bitte um Ersatz.',
  'Ich möchte die Bestellung % stornieren und das Geld zurück.',
  'Die Rechnung % ist falsch, der Rabatt fehlt.',
  'Wann wird mein Paket % zugestellt? Die Sendungsverfolgung zeigt nichts.',
  'Ich kann mich nicht mehr anmelden, das Passwort wird nicht akzeptiert.',
  'Wie kann ich meine Adresse für die Lieferung % ändern?',
  'Vielen Dank für die schnelle Hilfe bei der Retoure %!',
  'Der Gutschein % funktioniert im Warenkorb nicht.',
  'Gibt es das Produkt auch in Größe M? Artikelnummer %.',
  'Ihre Bestellung % wurde heute versandt, die Sendungsnummer folgt per E-Mail.',
  'Wir haben die Rückerstattung für % veranlasst, sie kommt in 3–5 Tagen an.',
];
const ENGLISH = [
  'Hello, where is my order %? I have been waiting for a week.',
  'My delivery % arrived damaged, please send a replacement.',
  'I would like to cancel order % and get a refund.',
  'Invoice % is wrong, the discount is missing.',
  'When will parcel % be delivered? Tracking shows nothing.',
  'I cannot log in any more, my password is not accepted.',
  'How can I change the shipping address for order %?',
  'Thanks a lot for the quick help with return %!',
  'Voucher % does not work at checkout.',
  'Your order % has shipped today; the tracking number follows by email.',
];
const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Emma',
  'Felix',
  'Greta',
  'Hannah',
  'Jonas',
  'Lea',
  'Lukas',
  'Marie',
  'Noah',
  'Olivia',
  'Paul',
  'Sophie',
  'Tim',
  'Lena',
  'Max',
  'Mia',
  'Oliver',
  'Emily',
  'James',
  'Charlotte',
];
const LAST = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Smith',
  'Johnson',
  'Brown',
  'Taylor',
  'Wilson',
  'Huber',
  'Gruber',
  'Steiner',
  'Keller',
  'Meier',
];

const array = (values: string[]) =>
  `array[${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(',')}]`;

export async function seedCustomerData(
  options: SeedOptions,
): Promise<{ url: string; tenantId: string; heavyContactId: string }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${options.database} with (force)`);
  await admin.query(`create database ${options.database}`);
  await admin.end();
  const url = new URL(options.adminUrl);
  url.pathname = `/${options.database}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 2 });
  await migrateDatabase(database);
  await database.close();

  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const step = async (label: string, sql: string) => {
    const started = performance.now();
    log(`  ${label} …`);
    await client.query(sql);
    log(`  ${label} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  await client.query("set maintenance_work_mem = '1GB'");
  await client.query('set synchronous_commit = off');

  const { rows: tenantRows } = await client.query(
    `insert into tenants (id, slug, name, default_language) values (gen_random_uuid(), $1, 'Bench Customers', 'de') returning id`,
    [SEED_TENANT_SLUG],
  );
  const tenantId = tenantRows[0].id as string;
  await client.query(
    `insert into channels (tenant_id, id, kind, name) select $1, gen_random_uuid(), 'api', name from unnest(array['SMS', 'WhatsApp', 'Webshop', 'Email']) name`,
    [tenantId],
  );

  // Bulk load without secondary indexes; they are rebuilt in one pass afterwards.
  const { rows: indexRows } = await client.query(
    `select indexname, indexdef from pg_indexes where schemaname = 'public'
       and tablename in ('contacts', 'contact_identities', 'conversations', 'messages') and indexname not like '%_pk'`,
  );
  for (const index of indexRows) await client.query(`drop index ${index.indexname}`);

  const contacts = options.contacts;
  const messages = options.messages;
  const conversations = Math.max(1, Math.floor(messages / 5));
  await step(
    `${contacts.toLocaleString('en')} contacts`,
    `insert into contacts (tenant_id, id, name, language, created_at, updated_at)
     select '${tenantId}', gen_random_uuid(),
            (${array(FIRST)})[1 + (n * 7) % ${FIRST.length}] || ' ' || (${array(LAST)})[1 + (n * 13) % ${LAST.length}],
            case when n % 5 = 0 then 'en' else 'de' end,
            now() - (n % 700) * interval '1 day', now()
     from generate_series(1, ${contacts}) n`,
  );
  await step(
    'numbering contacts',
    `create temporary table contact_numbers as
       select id, row_number() over (order by id) as n from contacts where tenant_id = '${tenantId}';
     create index on contact_numbers (n)`,
  );
  await step(
    'email and phone identities',
    `insert into contact_identities (tenant_id, id, contact_id, kind, value, display_value)
     select '${tenantId}', gen_random_uuid(), id, 'email', 'kunde' || n || '@mail' || (n % 97) || '.example', 'kunde' || n || '@mail' || (n % 97) || '.example'
     from contact_numbers;
     insert into contact_identities (tenant_id, id, contact_id, kind, value, display_value)
     select '${tenantId}', gen_random_uuid(), id, 'phone', '+49151' || lpad(n::text, 8, '0'), '+49 151 ' || lpad(n::text, 8, '0')
     from contact_numbers where n % 2 = 0`,
  );
  await step(
    `${conversations.toLocaleString('en')} conversations`,
    `insert into conversations (tenant_id, id, contact_id, channel_id, status, subject, last_activity_at, created_at, updated_at, message_count)
     select '${tenantId}', gen_random_uuid(), c.id, ch.id,
            (array['open','pending','resolved','resolved','closed'])[1 + g % 5], 'Anfrage ' || g,
            now() - (g % 365) * interval '1 day', now() - (g % 365) * interval '1 day', now(), 5
     from generate_series(1::bigint, ${conversations}) g
     join contact_numbers c on c.n = 1 + (g * 7919) % ${contacts}
     join lateral (select id from channels where tenant_id = '${tenantId}' order by id offset g % 4 limit 1) ch on true`,
  );
  await step(
    'numbering conversations',
    `create temporary table conversation_numbers as
       select id, contact_id, channel_id, row_number() over (order by id) as n from conversations where tenant_id = '${tenantId}';
     create index on conversation_numbers (n)`,
  );
  const regular = messages - HEAVY_CONTACT_INTERACTIONS;
  const batch = 1_000_000;
  for (let offset = 0; offset < regular; offset += batch) {
    const size = Math.min(batch, regular - offset);
    await step(
      `messages ${(offset + size).toLocaleString('en')}/${messages.toLocaleString('en')}`,
      `insert into messages (tenant_id, id, conversation_id, contact_id, direction, kind, channel_id, text, status, language, created_at)
       select '${tenantId}', gen_random_uuid(), cv.id, cv.contact_id,
              case when m % 2 = 0 then 'inbound' else 'outbound' end, 'message', cv.channel_id,
              replace(case when m % 5 = 0 then (${array(ENGLISH)})[1 + (m / 5) % ${ENGLISH.length}]
                           else (${array(GERMAN)})[1 + (m / 5) % ${GERMAN.length}] end, '%', (100000 + m % 900000)::text),
              case when m % 2 = 0 then 'received' else 'delivered' end,
              case when m % 5 = 0 then 'en' else 'de' end,
              now() - interval '365 days' * (m::float8 / ${regular})
       from generate_series(${offset + 1}::bigint, ${offset + size}) m
       join conversation_numbers cv on cv.n = 1 + (m / 5) % ${conversations}`,
    );
  }
  const { rows: heavyRows } = await client.query(`select id from contact_numbers where n = 1`);
  const heavyContactId = heavyRows[0].id as string;
  await step(
    'conversations of the heavy customer on every channel',
    `create temporary table heavy_conversations as
       select gen_random_uuid() as id, id as channel_id, row_number() over (order by id) - 1 as slot
       from channels where tenant_id = '${tenantId}';
     insert into conversations (tenant_id, id, contact_id, channel_id, status, subject, created_at, updated_at, message_count)
     select '${tenantId}', id, '${heavyContactId}', channel_id, 'open', 'Stammkunde', now(), now(), 2500
     from heavy_conversations`,
  );
  await step(
    `heavy customer with ${HEAVY_CONTACT_INTERACTIONS.toLocaleString('en')} interactions`,
    `insert into messages (tenant_id, id, conversation_id, contact_id, direction, kind, channel_id, text, status, language, created_at)
     select '${tenantId}', gen_random_uuid(), cv.id, '${heavyContactId}',
            case when m % 2 = 0 then 'inbound' else 'outbound' end,
            case when m % 10 = 0 then 'note' else 'message' end, cv.channel_id,
            replace((${array(GERMAN)})[1 + m % ${GERMAN.length}], '%', m::text),
            case when m % 10 = 0 then null when m % 2 = 0 then 'received' else 'delivered' end, 'de',
            now() - m * interval '1 hour'
     from generate_series(1, ${HEAVY_CONTACT_INTERACTIONS}) m
     join heavy_conversations cv on cv.slot = m % 4`,
  );
  for (const index of indexRows) await step(`index ${index.indexname}`, index.indexdef);
  // A live messages table is written as messages arrive, so its rows lie in time order; the generator writes
  // them conversation by conversation. Lay them out as production would, or every newest-first read here
  // would touch one page per row.
  await step('messages in time order', 'cluster messages using messages_recent_idx');
  await step(
    'analyze',
    'analyze contacts; analyze contact_identities; analyze conversations; analyze messages',
  );
  await client.end();
  return { url: url.toString(), tenantId, heavyContactId };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const flag = (name: string, fallback: number) => {
    const match = process.argv.find((arg) => arg.startsWith(`--${name}=`));
    return match ? Number(match.split('=')[1]) : fallback;
  };
  const started = performance.now();
  const result = await seedCustomerData({
    adminUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    database:
      process.argv.find((arg) => arg.startsWith('--database='))?.split('=')[1] ?? 'unisono_bench_customers',
    contacts: flag('contacts', 1_000_000),
    messages: flag('messages', 10_000_000),
  });
  console.log(JSON.stringify({ ...result, seconds: Math.round((performance.now() - started) / 1000) }));
}
