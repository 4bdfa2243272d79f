import { defineConfig } from 'drizzle-kit';

// Platform tables live in schema.ts (which re-exports events.tables.ts); a module that owns tables keeps them in
// `<module>.tables.ts`.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/platform/db/schema.ts', './src/modules/*/*.tables.ts'],
  out: './drizzle',
});
