CREATE TABLE "crm_activities" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"dedupe_key" text NOT NULL,
	"conversation_id" uuid NOT NULL,
	"conversation_number" integer NOT NULL,
	"kind" text DEFAULT 'conversation.resolved' NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crm_activities_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "crm_connectors" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"kind" text DEFAULT 'http' NOT NULL,
	"base_url" text NOT NULL,
	"secret_encrypted" text NOT NULL,
	"timeout_ms" integer DEFAULT 3000 NOT NULL,
	"cache_ttl_seconds" integer DEFAULT 900 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"write_back_enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crm_lookups" (
	"tenant_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"query_hash" text NOT NULL,
	"data" jsonb,
	"fetched_at" timestamp with time zone,
	"attempted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"error" text,
	CONSTRAINT "crm_lookups_tenant_id_contact_id_pk" PRIMARY KEY("tenant_id","contact_id")
);
--> statement-breakpoint
ALTER TABLE "crm_activities" ADD CONSTRAINT "crm_activities_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_connectors" ADD CONSTRAINT "crm_connectors_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_lookups" ADD CONSTRAINT "crm_lookups_tenant_id_contact_id_contacts_tenant_id_id_fk" FOREIGN KEY ("tenant_id","contact_id") REFERENCES "public"."contacts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "crm_activities_dedupe_key" ON "crm_activities" USING btree ("tenant_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "crm_activities_tenant_created_idx" ON "crm_activities" USING btree ("tenant_id","created_at");