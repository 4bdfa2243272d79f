import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Modules own their tables: a module reaches another module's data only through that module's exported
 * functions, never through its repository, its tables (drizzle objects) or SQL naming them.
 *
 * Business tables live in `src/modules/<m>/<m>.tables.ts` and belong to that folder; src/platform/db keeps
 * only what is shared (tenants, the outbox, the audit trail). A tables file may name another module's table
 * in a foreign key: a declaration, not a data access. Today's crossings are listed in KNOWN_CROSSINGS so
 * that no new one can land; the list may only shrink (a crossing that is gone must be removed from it).
 */
const PLATFORM_TABLES = new Set(['tenants', 'domain_events', 'audit_log']);

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
  for (const file of ['schema.ts', 'events.tables.ts']) {
    for (const { exportName, sqlName } of definitions(path.join(ROOT, 'src/platform/db', file))) {
      if (!PLATFORM_TABLES.has(sqlName))
        throw new Error(`src/platform/db/${file} defines ${sqlName}: it belongs in its module's tables file`);
      bySqlName.set(sqlName, 'platform');
      byExport.set(exportName, 'platform');
    }
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
      const targetModule = target.startsWith(MODULES + path.sep)
        ? path.relative(MODULES, target).split(path.sep)[0]
        : undefined;
      if (!targetModule || targetModule === module) continue;
      if (target.endsWith('.tables.ts')) {
        if (file.endsWith('.tables.ts')) continue;
        for (const name of names) {
          const owner = byExport.get(name);
          if (owner && owner !== module) found.add(`${relative} -> ${name} (${owner})`);
        }
      } else if (target.endsWith('.repository.ts'))
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
