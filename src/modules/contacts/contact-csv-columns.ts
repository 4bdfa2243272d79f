import type { IdentityKind } from '../../channels/adapter.ts';
import { unescapeCsvValue } from './contact-csv.ts';

/** What a CSV column means for a contact. */
export type ContactColumn =
  | { type: 'id' | 'name' | 'language' | 'timeZone' | 'ignored' }
  | { type: 'identity'; kind: IdentityKind }
  | { type: 'attribute'; key: string };

export interface MappedColumn {
  index: number;
  header: string;
  column: ContactColumn;
}

export interface ColumnWarning {
  column: string;
  message: string;
}

const identity = (kind: IdentityKind): ContactColumn => ({ type: 'identity', kind });

/** Header names (lower case, spaces/hyphens/underscores folded to `_`), English and German. */
const ALIASES: Record<string, ContactColumn> = {
  ...names(['id', 'contact_id', 'unisono_id', 'kontakt_id'], { type: 'id' }),
  ...names(['name', 'full_name', 'fullname', 'display_name', 'kundenname', 'vollständiger_name'], {
    type: 'name',
  }),
  ...names(['email', 'e_mail', 'mail', 'email_address', 'e_mail_adresse', 'emailadresse'], identity('email')),
  ...names(
    ['phone', 'phone_number', 'telephone', 'tel', 'mobile', 'telefon', 'telefonnummer', 'handy', 'mobil'],
    identity('phone'),
  ),
  ...names(['whatsapp', 'whats_app'], identity('whatsapp')),
  ...names(['telegram'], identity('telegram')),
  ...names(['messenger', 'facebook_messenger'], identity('messenger')),
  ...names(['instagram'], identity('instagram')),
  ...names(['webchat', 'web_chat'], identity('webchat')),
  ...names(['external_id', 'externalid', 'externe_id'], identity('api')),
  ...names(
    ['crm_id', 'crmid', 'crm', 'customer_id', 'customer_number', 'kundennummer', 'kunden_nr'],
    identity('crm'),
  ),
  ...names(['language', 'lang', 'locale', 'sprache'], { type: 'language' }),
  ...names(['timezone', 'time_zone', 'tz', 'zeitzone'], { type: 'timeZone' }),
  // Written by the export for information; changing them on import means nothing.
  ...names(['created_at', 'updated_at', 'erstellt_am', 'geändert_am'], { type: 'ignored' }),
};

function names(list: string[], column: ContactColumn): Record<string, ContactColumn> {
  return Object.fromEntries(list.map((name) => [name, column]));
}

/** The column names the export writes for each identity kind. */
export const EXPORT_IDENTITY_COLUMNS: [IdentityKind, string][] = [
  ['email', 'email'],
  ['phone', 'phone'],
  ['whatsapp', 'whatsapp'],
  ['telegram', 'telegram'],
  ['messenger', 'messenger'],
  ['instagram', 'instagram'],
  ['webchat', 'webchat'],
  ['api', 'external_id'],
  ['crm', 'crm_id'],
];

/**
 * Maps a header row: known names and aliases (case-insensitive), numbered identity columns
 * (`email_2`, `Telefon 2`) and `attr.<key>` for custom attributes. Unknown columns are warned about and
 * ignored; single-valued columns given twice use the first.
 */
export function mapHeader(header: string[]): { columns: MappedColumn[]; warnings: ColumnWarning[] } {
  const columns: MappedColumn[] = [];
  const warnings: ColumnWarning[] = [];
  const seen = new Set<string>();
  header.forEach((raw, index) => {
    const name = raw.trim();
    if (!name) return;
    const column = columnFor(name);
    if (!column) {
      warnings.push({ column: name, message: 'unknown column, ignored' });
      return;
    }
    const singleKey =
      column.type === 'attribute'
        ? `attr:${column.key}`
        : column.type === 'identity'
          ? undefined
          : column.type;
    if (singleKey && column.type !== 'ignored') {
      if (seen.has(singleKey)) {
        warnings.push({ column: name, message: 'appears more than once; only the first is used' });
        return;
      }
      seen.add(singleKey);
    }
    columns.push({ index, header: name, column });
  });
  return { columns, warnings };
}

function columnFor(name: string): ContactColumn | undefined {
  if (/^attr\./i.test(name)) {
    const key = name.slice(5).trim();
    return key ? { type: 'attribute', key } : undefined;
  }
  const folded = name.toLowerCase().replace(/[\s_-]+/g, '_');
  const direct = ALIASES[folded];
  if (direct) return direct;
  const numbered = /^(.+?)_?(\d+)$/.exec(folded);
  const base = numbered ? ALIASES[numbered[1]!] : undefined;
  return base?.type === 'identity' ? base : undefined;
}

export interface ContactRowInput {
  /** The header each single-valued field came from, for error reports. */
  columns: Partial<Record<'id' | 'name' | 'language' | 'timeZone', string>>;
  id?: string;
  name?: string;
  language?: string;
  timeZone?: string;
  identities: { kind: IdentityKind; value: string; column: string }[];
  attributes: { key: string; value: string; column: string }[];
}

/** The non-empty values of one record, by meaning. An empty cell never changes anything. */
export function readRow(columns: MappedColumn[], fields: string[]): ContactRowInput {
  const input: ContactRowInput = { columns: {}, identities: [], attributes: [] };
  for (const { index, header, column } of columns) {
    const value = unescapeCsvValue((fields[index] ?? '').trim());
    if (!value) continue;
    switch (column.type) {
      case 'identity':
        input.identities.push({ kind: column.kind, value, column: header });
        break;
      case 'attribute':
        input.attributes.push({ key: column.key, value, column: header });
        break;
      case 'ignored':
        break;
      default:
        input[column.type] = value;
        input.columns[column.type] = header;
    }
  }
  return input;
}
