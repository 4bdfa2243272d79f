-- The outbox stores and returns event payloads but never queries into them: json (validated text) is cheaper to
-- write than jsonb on the ingest hot path.
ALTER TABLE "domain_events" ALTER COLUMN "payload" SET DATA TYPE json USING "payload"::json;--> statement-breakpoint
ALTER TABLE "domain_events" ALTER COLUMN "audience" SET DATA TYPE json USING "audience"::json;
