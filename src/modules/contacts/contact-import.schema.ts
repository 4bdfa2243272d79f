import { z } from 'zod';

export const IMPORT_OUTCOMES = ['created', 'updated', 'unchanged', 'error'] as const;

export const ImportRowResult = z.object({
  row: z.number().int().describe('row in the file as a spreadsheet shows it (the header is row 1)'),
  outcome: z.enum(IMPORT_OUTCOMES),
  contactId: z.uuid().nullable().describe('null for rows that failed and for creations in a dry run'),
  changes: z.array(z.string()).describe('what was (or would be) set: name, language, email:…, attr.tier …'),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type ImportRowResult = z.infer<typeof ImportRowResult>;

export const ContactImportResult = z.object({
  dryRun: z.boolean(),
  delimiter: z.enum([',', ';', '\t']),
  total: z.number().int().describe('data rows, blank rows not counted'),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  warnings: z.array(z.object({ column: z.string(), message: z.string() })),
  rows: z.array(ImportRowResult),
});
export type ContactImportResult = z.infer<typeof ContactImportResult>;

export const ContactImportQuery = z.object({
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1')
    .describe('report what would happen without writing'),
});

export const ContactExportQuery = z.object({
  format: z
    .enum(['standard', 'excel'])
    .default('standard')
    .describe('`excel`: `;`-separated with a UTF-8 BOM, as German spreadsheet programs expect'),
});
