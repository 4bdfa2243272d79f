import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Modules own their tables: a module reaches another module's data only through that module's exported
 * service functions, never through its repository, its tables (drizzle objects) or SQL naming them.
 *
 * The tables still in src/platform/db/schema.ts belong to the module named here; a module's own
 * `<m>.tables.ts` belongs to its folder. Today's crossings are listed in KNOWN_CROSSINGS so that no new one
 * can land; the list may only shrink (a crossing that is gone must be removed from it, so it cannot come
 * back unnoticed). The house issue moves the remaining ones behind service functions.
 */
const SCHEMA_OWNERS: Record<string, string> = {
  // Every table's tenant key references it: shared, like the outbox and the audit trail.
  tenants: 'platform',
  users: 'users',
  memberships: 'users',
  invitations: 'users',
  teams: 'users',
  team_members: 'users',
  sessions: 'users',
  api_tokens: 'users',
  channels: 'channels',
  contacts: 'contacts',
  contact_identities: 'contacts',
  conversations: 'conversations',
  messages: 'conversations',
  attachments: 'conversations',
};

/** `file -> table or module file` pairs that cross a module boundary today. */
const KNOWN_CROSSINGS = new Set<string>([
  'src/modules/contacts/contact-timeline.service.ts -> sql conversations (conversations)',
  'src/modules/contacts/contact-timeline.service.ts -> sql messages (conversations)',
  'src/modules/contacts/contact.service.ts -> sql conversations (conversations)',
  'src/modules/conversations/conversation.repository.ts -> contacts (contacts)',
  'src/modules/inbox/inbox.repository.ts -> contactIdentities (contacts)',
  'src/modules/inbox/inbox.repository.ts -> contacts (contacts)',
  'src/modules/inbox/inbox.repository.ts -> conversations (conversations)',
  'src/modules/integrations/crm.repository.ts -> sql memberships (users)',
  'src/modules/integrations/crm.repository.ts -> sql messages (conversations)',
  'src/modules/integrations/crm.repository.ts -> sql users (users)',
  'src/modules/search/search.service.ts -> sql contacts (contacts)',
  'src/modules/search/search.service.ts -> sql conversations (conversations)',
  'src/modules/search/search.service.ts -> sql messages (conversations)',
]);

const ROOT = path.resolve(import.meta.dirname, '..');
const MODULES = path.join(ROOT, 'src/modules');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Table (SQL name) → owning module, with each table's drizzle export name. */
function tableOwners(): { bySqlName: Map<string, string>; byExport: Map<string, string> } {
  const bySqlName = new Map<string, string>();
  const byExport = new Map<string, string>();
  const definitions = (file: string) =>
    [...readFileSync(file, 'utf8').matchAll(/export const (\w+) = pgTable\(\s*'(\w+)'/g)].map((match) => ({
      exportName: match[1]!,
      sqlName: match[2]!,
    }));
  for (const { exportName, sqlName } of definitions(path.join(ROOT, 'src/platform/db/schema.ts'))) {
    const owner = SCHEMA_OWNERS[sqlName];
    if (!owner) throw new Error(`table ${sqlName} in schema.ts has no owner in SCHEMA_OWNERS`);
    bySqlName.set(sqlName, owner);
    byExport.set(exportName, owner);
  }
  for (const module of readdirSync(MODULES)) {
    for (const file of sourceFiles(path.join(MODULES, module)).filter((name) =>
      name.endsWith('.tables.ts'),
    )) {
      for (const { exportName, sqlName } of definitions(file)) {
        bySqlName.set(sqlName, module);
        byExport.set(exportName, module);
      }
    }
  }
  return { bySqlName, byExport };
}

function crossings(): string[] {
  const { bySqlName, byExport } = tableOwners();
  const found = new Set<string>();
  for (const file of sourceFiles(MODULES)) {
    const module = path.relative(MODULES, file).split(path.sep)[0]!;
    const relative = path.relative(ROOT, file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
      const target = path.resolve(path.dirname(file), match[2]!);
      const names = match[1]!.split(',').map(
        (name) =>
          name
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]!,
      );
      if (target.endsWith(path.join('platform/db/schema.ts'))) {
        for (const name of names) {
          const owner = byExport.get(name);
          // A tables file may name another module's table in a foreign key: a declaration, not a data access.
          if (owner && owner !== module && owner !== 'platform' && !file.endsWith('.tables.ts'))
            found.add(`${relative} -> ${name} (${owner})`);
        }
        continue;
      }
      const targetModule = target.startsWith(MODULES + path.sep)
        ? path.relative(MODULES, target).split(path.sep)[0]
        : undefined;
      if (targetModule && targetModule !== module && /(\.repository|\.tables)\.ts$/.test(target))
        found.add(`${relative} -> ${path.relative(ROOT, target)}`);
    }
    // SQL written out: a statement naming another module's table.
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const match of code.matchAll(/\b(?:from|join|update|into)\s+"?([a-z_]+)"?/gi)) {
      const owner = bySqlName.get(match[1]!);
      if (owner && owner !== module && owner !== 'platform')
        found.add(`${relative} -> sql ${match[1]} (${owner})`);
    }
  }
  return [...found].sort();
}

describe('module boundaries', () => {
  const found = crossings();

  it('lands no new crossing of a module boundary (repository, tables or SQL of another module)', () => {
    expect(found.filter((crossing) => !KNOWN_CROSSINGS.has(crossing))).toEqual([]);
  });

  it('keeps the list of known crossings to those that still exist', () => {
    expect([...KNOWN_CROSSINGS].filter((crossing) => !found.includes(crossing))).toEqual([]);
  });
});
