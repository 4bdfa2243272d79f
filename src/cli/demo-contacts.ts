/** Demo customers: names, identities of several kinds, phone numbers as people type them. */
import type { IdentityKind } from '../channels/adapter.ts';
import type { Language } from './demo-corpus.ts';
import { Random } from './demo-random.ts';
import { ORIGINS, type OriginKey } from './demo-vocabulary.ts';

const SEED = 0x5eed2025;
const DAY = 86_400_000;

export interface ContactPlan {
  name: string | null;
  firstName: string | null;
  language: Language;
  vip: boolean;
  identities: { kind: IdentityKind; value: string; verified: boolean }[];
  customAttributes: Record<string, unknown>;
  /** How long before the load the contact became a customer. */
  ageMs: number;
}

const KIND_WEIGHTS: [IdentityKind, number][] = [
  ['email', 38],
  ['whatsapp', 20],
  ['webchat', 12],
  ['phone', 10],
  ['telegram', 10],
  ['messenger', 10],
];

export function planContacts(count: number): ContactPlan[] {
  const random = new Random(SEED);
  const taken = new Set<string>();
  const unique = <T>(generate: () => [key: string, value: T]): T => {
    for (;;) {
      const [key, value] = generate();
      if (!taken.has(key)) {
        taken.add(key);
        return value;
      }
    }
  };
  return Array.from({ length: count }, () => {
    const origin = random.weighted(ORIGINS.map((entry) => [entry, entry.weight] as const));
    const firstName = random.pick(origin.firstNames);
    const lastName = random.pick(origin.lastNames);
    const kinds: IdentityKind[] = [];
    const identityCount = random.weighted([[1, 58] as const, [2, 30] as const, [3, 12] as const]);
    while (kinds.length < identityCount) {
      const kind = random.weighted(KIND_WEIGHTS);
      if (!kinds.includes(kind)) kinds.push(kind);
    }
    const anonymous = identityCount === 1 && kinds[0] === 'webchat' && random.chance(0.4);
    const vip = !anonymous && random.chance(0.06);
    // A customer's phone and WhatsApp are usually the same number.
    const phone = kinds.some((kind) => kind === 'phone' || kind === 'whatsapp')
      ? unique(() => phoneNumber(random, origin.key))
      : { e164: '', text: '' };
    const first = ascii(firstName);
    const last = ascii(lastName);
    const identityValue = (kind: IdentityKind): string => {
      if (kind === 'phone') return phone.text;
      if (kind === 'whatsapp') return `+${phone.e164}`;
      if (kind === 'telegram')
        return unique(() => keyed(`@${first}_${last.slice(0, 1)}${random.int(1, 999)}`));
      if (kind === 'messenger') return unique(() => keyed(`${random.int(1, 9)}${random.digits(15)}`));
      if (kind === 'webchat')
        return unique(() => keyed(`visitor-${random.next().toString(36).slice(2, 12)}`));
      return unique(() => {
        const local = random.pick([
          `${first}.${last}`,
          `${first.slice(0, 1)}.${last}`,
          `${first}${last}${random.int(1, 99)}`,
          `${last}.${first}`,
          `${first}_${last}`,
        ]);
        return keyed(`${local}@${random.pick(origin.mailDomains)}`);
      });
    };
    return {
      name: anonymous ? null : `${firstName} ${lastName}`,
      firstName: anonymous ? null : firstName,
      language: origin.language,
      vip,
      identities: kinds.map((kind) => ({
        kind,
        value: identityValue(kind),
        verified: kind === 'email' && random.chance(0.6),
      })),
      customAttributes: anonymous
        ? {}
        : {
            customerNumber: `K-${random.int(100000, 999999)}`,
            city: random.pick(origin.cities),
            ...(vip ? { vip: true } : {}),
          },
      ageMs: random.int(5, 400) * DAY,
    };
  });
}

const keyed = (value: string): [string, string] => [value, value];

function ascii(text: string): string {
  return text
    .toLowerCase()
    .replaceAll('ä', 'ae')
    .replaceAll('ö', 'oe')
    .replaceAll('ü', 'ue')
    .replaceAll('ß', 'ss')
    .replaceAll('ı', 'i')
    .normalize('NFD')
    .replace(/[^a-z0-9]/g, '');
}

/** Mobile numbers written the ways customers write them: national, international, with 00, with a slash. */
function phoneNumber(
  random: Random,
  origin: OriginKey,
): [key: string, value: { e164: string; text: string }] {
  let e164: string;
  let text: string;
  if (origin === 'at') {
    const [prefix, line] = [random.pick(['650', '660', '664', '676', '699']), random.digits(7)];
    e164 = `43${prefix}${line}`;
    text = random.pick([`+43 ${prefix} ${line}`, `0043 ${prefix} ${line}`, `+43${prefix}${line}`]);
  } else if (origin === 'ch') {
    const [prefix, line] = [random.pick(['76', '77', '78', '79']), random.digits(7)];
    e164 = `41${prefix}${line}`;
    text = random.pick([
      `+41 ${prefix} ${line.slice(0, 3)} ${line.slice(3, 5)} ${line.slice(5)}`,
      `0041 ${prefix} ${line}`,
    ]);
  } else if (origin === 'en' && random.chance(0.5)) {
    // Ofcom's range for drama: these UK numbers are never assigned to anyone.
    const line = random.digits(3);
    e164 = `447700900${line}`;
    text = random.pick([`+44 7700 900${line}`, `+447700900${line}`]);
  } else {
    const prefix = random.pick('151 152 157 160 162 170 171 172 175 176 177 179'.split(' '));
    const line = random.digits(prefix.startsWith('15') ? 8 : 7);
    e164 = `49${prefix}${line}`;
    text = random.pick([
      `0${prefix} ${line}`,
      `0${prefix}/${line}`,
      `+49 ${prefix} ${line}`,
      `0049 ${prefix} ${line}`,
    ]);
  }
  return [e164, { e164, text }];
}
