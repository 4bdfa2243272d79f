/**
 * The demo's script, decided before anything is written: what customers ask, who answers, and when.
 * A fixed seed makes every run tell the same stories.
 */
import type { IdentityKind } from '../channels/adapter.ts';
import type { CONVERSATION_STATUSES, PRIORITIES } from '../modules/conversations/conversations.tables.ts';
import type { Role } from '../platform/http/auth.ts';
import type { ContactPlan } from './demo-contacts.ts';
import { type Language, type TeamKey, TOPICS, type Topic } from './demo-corpus.ts';
import { Random } from './demo-random.ts';
import { CARRIERS, PHRASES, PRODUCTS } from './demo-vocabulary.ts';

type Status = (typeof CONVERSATION_STATUSES)[number];
type Priority = (typeof PRIORITIES)[number];

const SEED = 0x5eed2026;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The first entry is the admin; the rest answer customers. */
export const STAFF: { name: string; role: Role; teams: TeamKey[] }[] = [
  { name: 'Katrin Vogel', role: 'admin', teams: [] },
  { name: 'Lena Hoffmann', role: 'supervisor', teams: ['support', 'billing'] },
  { name: 'Jonas Becker', role: 'agent', teams: ['support'] },
  { name: 'Aylin Demir', role: 'agent', teams: ['support'] },
  { name: 'Tom Fischer', role: 'agent', teams: ['billing'] },
  { name: 'Sarah Miller', role: 'agent', teams: ['support', 'billing'] },
];
const SUPERVISOR = 1;

/** Only the generic API channel exists, so each demo channel stands for an integration bringing certain identities. */
export const CHANNELS: { name: string; kinds: IdentityKind[] }[] = [
  { name: 'Webshop', kinds: ['email', 'webchat'] },
  { name: 'Mobile App', kinds: ['email', 'phone'] },
  { name: 'Messenger-Bridge', kinds: ['whatsapp', 'telegram', 'messenger'] },
];

/** Conversation fields an agent changes; team and assignee by demo key, resolved when loading. */
export interface TriagePlan {
  status?: Status;
  snoozedUntil?: string;
  priority?: Priority;
  labels?: string[];
  language?: Language;
  team?: TeamKey;
  assignee?: number;
}

export type Step =
  | { kind: 'inbound'; offset: number; text: string }
  | { kind: 'reply'; offset: number; text: string; author: number; read: boolean }
  | { kind: 'note'; offset: number; text: string; author: number }
  | { kind: 'update'; offset: number; author: number; triage: TriagePlan };

export interface ConversationPlan {
  contact: number;
  channel: number;
  from: { kind: IdentityKind; value: string; name?: string };
  subject?: string;
  /** Epoch ms of the first message; step offsets count from here. */
  start: number;
  steps: Step[];
}

const STATUS_WEIGHTS = [
  ['open', 32],
  ['pending', 18],
  ['resolved', 45],
  ['snoozed', 5],
] as const;
const LENGTH_WEIGHTS = [
  [1, 15],
  [2, 30],
  [3, 22],
  [4, 16],
  [5, 10],
  [6, 7],
] as const;
const PRIORITY_WEIGHTS = [
  ['low', 12],
  ['normal', 62],
  ['high', 19],
  ['urgent', 7],
] as const;

/** Conversations in the order they started, so their numbers grow with time. */
export function planConversations(contacts: ContactPlan[], count: number, now: number): ConversationPlan[] {
  const random = new Random(SEED + 1);
  const plans = Array.from({ length: count }, () => planConversation(random, contacts, now));
  return plans.sort((left, right) => left.start - right.start);
}

/** A contact became a customer before their first conversation. */
export function contactCreatedAt(
  contacts: ContactPlan[],
  conversations: ConversationPlan[],
  now: number,
): Date[] {
  const firstStart = new Map<number, number>();
  for (const plan of conversations)
    if (!firstStart.has(plan.contact)) firstStart.set(plan.contact, plan.start);
  return contacts.map(
    (contact, index) => new Date(Math.min(now - contact.ageMs, (firstStart.get(index) ?? now) - 10 * MINUTE)),
  );
}

function planConversation(random: Random, contacts: ContactPlan[], now: number): ConversationPlan {
  // Skewed towards the first contacts: regulars write often, many others once or never.
  const contactIndex = Math.floor(contacts.length * random.next() ** 1.5);
  const contact = contacts[contactIndex]!;
  const identity = random.pick(contact.identities);
  const channel = random.pick(
    CHANNELS.flatMap((candidate, index) => (candidate.kinds.includes(identity.kind) ? [index] : [])),
  );
  const topic = random.weighted(TOPICS.map((entry) => [entry, entry.weight] as const));
  const language = contact.language;
  const script = topic.scripts[language];
  const story = random.pick(script.cases);
  const phrases = PHRASES[language];
  const status: Status = random.weighted(STATUS_WEIGHTS);
  const mail = identity.kind === 'email';
  const values = placeholders(random, language);
  const fill = (template: string) => fillIn(template, values);
  const turns = planTurns(random, status);
  const triage = planTriage(random, topic, contact, status, turns.includes('out'));
  const assignee = triage.assignee ?? SUPERVISOR;
  const agentName = STAFF[assignee]!.name.split(' ')[0]!;
  const updates = random.shuffle(phrases.updates);

  const steps: Step[] = [];
  let offset = 0;
  let triaged = false;
  let thanked = false;
  let followedUp = false;
  const triageNow = () => {
    offset += random.minutes(2, 90);
    steps.push({ kind: 'update', offset, author: random.chance(0.4) ? SUPERVISOR : assignee, triage });
    triaged = true;
  };
  const note = (text: string, author: number) => {
    offset += random.minutes(2, 40);
    steps.push({ kind: 'note', offset, text: fill(text), author });
  };
  for (const [index, turn] of turns.entries()) {
    const previous = turns[index - 1];
    if (turn === 'in') {
      let body: string;
      if (index === 0) body = story.customer;
      else if (previous === 'in') body = random.pick(phrases.followUps);
      else if (status === 'resolved' && index >= turns.length - 2) body = random.pick(phrases.thanks);
      else if (story.followUp && !followedUp) body = story.followUp;
      else body = random.pick(phrases.followUps);
      followedUp ||= body === story.followUp;
      thanked = phrases.thanks.includes(body);
      if (index > 0) offset += previous === 'in' ? random.minutes(3, 60) : random.minutes(20, 26 * 60);
      const text = capitalize(fill(body));
      steps.push({
        kind: 'inbound',
        offset,
        text: index === 0 && mail ? mailFrom(random, language, contact, text) : text,
      });
      continue;
    }
    if (!triaged) triageNow();
    const firstReply = !steps.some((step) => step.kind === 'reply');
    if (firstReply && random.chance(0.25)) note(random.pick(script.notes), assignee);
    if (firstReply && triage.priority === 'urgent') note(random.pick(phrases.supervisorNotes), SUPERVISOR);
    let body: string;
    if (thanked) body = random.pick(phrases.closings);
    else if (firstReply) body = story.agent;
    else body = updates.shift() ?? random.pick(phrases.updates);
    offset += random.minutes(5, 5 * 60);
    const text = replyText(language, mail, contact.firstName, fill(body), agentName);
    steps.push({ kind: 'reply', offset, text, author: assignee, read: !mail && random.chance(0.6) });
  }
  if (!triaged) triageNow();
  if (status === 'snoozed') note(random.pick(phrases.snoozeNotes), assignee);
  if (status !== 'open') {
    offset += random.minutes(1, 20);
    const change: TriagePlan =
      status === 'snoozed'
        ? { status, snoozedUntil: new Date(now + random.int(1, 7) * DAY).toISOString() }
        : { status };
    steps.push({ kind: 'update', offset, author: assignee, triage: change });
  }

  const latest = now - 3 * MINUTE - offset - random.minutes(0, 60);
  return {
    contact: contactIndex,
    channel,
    from: { kind: identity.kind, value: identity.value, name: contact.name ?? undefined },
    subject: mail ? fill(story.subject) : undefined,
    start: Math.min(now - ageOf(random, status), latest),
    steps,
  };
}

/** Open conversations are fresh, resolved ones spread over the month. */
function ageOf(random: Random, status: Status): number {
  if (status === 'open') return 3 * DAY * random.next() ** 2;
  if (status === 'pending') return 6 * DAY * random.next() ** 1.5;
  if (status === 'snoozed') return 10 * DAY * random.next();
  return 2 * DAY + 27 * DAY * random.next();
}

/** Who wrote when: 'in' from the customer, 'out' from the agent; the status decides who spoke last. */
function planTurns(random: Random, status: Status): ('in' | 'out')[] {
  // A living inbox has fresh requests nobody has answered yet.
  if (status === 'open' && random.chance(0.3)) return random.chance(0.2) ? ['in', 'in'] : ['in'];
  let length: number = random.weighted(LENGTH_WEIGHTS);
  if (status !== 'open') length = Math.max(2, length);
  if (status === 'snoozed') length = Math.min(4, length);
  const turns: ('in' | 'out')[] = ['in'];
  if (length > 2 && random.chance(0.2)) turns.push('in');
  while (turns.length < length) turns.push(turns.at(-1) === 'in' ? 'out' : 'in');
  const last = status === 'open' ? 'in' : status === 'resolved' ? turns.at(-1) : 'out';
  if (turns.at(-1) !== last) {
    if (turns.length < 6) turns.push(last!);
    else turns.pop();
  }
  return turns;
}

function planTriage(
  random: Random,
  topic: Topic,
  contact: ContactPlan,
  status: Status,
  answered: boolean,
): TriagePlan {
  const routing =
    answered || status !== 'open'
      ? 'assigned'
      : random.weighted([
          ['assigned', 25],
          ['team', 30],
          ['none', 45],
        ] as const);
  let priority: Priority = random.weighted(PRIORITY_WEIGHTS);
  if (topic.key === 'complaint') priority = random.chance(0.6) ? 'high' : 'urgent';
  if (contact.vip && (priority === 'low' || priority === 'normal')) priority = 'high';
  const labels = topic.labels.filter((_, index) => index === 0 || random.chance(0.6));
  if (contact.vip) labels.push('vip');
  if (priority === 'urgent') labels.push('eskalation');
  if (routing === 'none') return { language: contact.language, ...(random.chance(0.3) ? { labels } : {}) };
  const members = STAFF.flatMap((member, index) =>
    member.role === 'agent' && member.teams.includes(topic.team) ? [index] : [],
  );
  return {
    language: contact.language,
    team: topic.team,
    ...(routing === 'assigned' ? { assignee: random.chance(0.15) ? SUPERVISOR : random.pick(members) } : {}),
    ...(priority === 'normal' ? {} : { priority }),
    labels,
  };
}

function placeholders(random: Random, language: Language): Record<string, string> {
  const product = random.pick(PRODUCTS)[language === 'de' ? 0 : 1];
  const euros = (random.int(1290, 34990) / 100).toFixed(2);
  return {
    order: `#${random.int(100000, 999999)}`,
    invoice: `RE-${random.int(10000, 99999)}`,
    tracking: `00340434${random.digits(12)}`,
    carrier: random.pick(CARRIERS),
    days: String(random.int(3, 9)),
    amount: language === 'de' ? `${euros.replace('.', ',')} €` : `€${euros}`,
    product,
    productName: product.slice(product.indexOf(' ') + 1),
  };
}

function fillIn(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`demo text uses unknown placeholder {${key}}`);
    return value;
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function mailFrom(random: Random, language: Language, contact: ContactPlan, text: string): string {
  const phrases = PHRASES[language];
  const signoff = fillIn(random.pick(phrases.mailSignoffs), {
    name: contact.name ?? '',
    first: contact.firstName ?? '',
  });
  return `${random.pick(phrases.mailGreetings)}\n\n${text}\n\n${signoff}`.trim();
}

/** German answers follow the greeting's comma in lower case; English ones start a new sentence. */
function replyText(language: Language, mail: boolean, firstName: string | null, body: string, agent: string) {
  const phrases = PHRASES[language];
  const greeting = phrases.replyGreeting(firstName);
  if (!mail) return `${greeting} ${body}`;
  return `${greeting}\n\n${language === 'en' ? capitalize(body) : body}\n\n${phrases.replySignoff(agent)}`;
}
