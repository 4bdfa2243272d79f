-- Contact search's trigram index moves to lower(value): as an index on value it also answered "value = …",
-- and the planner chose it for the inbound identity lookup over the unique key (milliseconds a probe).
DROP INDEX "contact_identities_value_trgm_idx";--> statement-breakpoint
CREATE INDEX "contact_identities_value_search_idx" ON "contact_identities" USING gin (lower("value") gin_trgm_ops);