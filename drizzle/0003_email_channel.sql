CREATE TABLE "email_mailbox_leases" (
	"tenant_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "email_mailbox_leases_tenant_id_channel_id_pk" PRIMARY KEY("tenant_id","channel_id")
);
--> statement-breakpoint
CREATE TABLE "email_failed_inbound" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"error" text NOT NULL,
	"sender" text,
	"subject" text,
	"raw_storage_key" text NOT NULL,
	"raw_size" bigint NOT NULL,
	"raw_sha256" text NOT NULL,
	"envelope" jsonb DEFAULT '{"to":[]}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"message_id" uuid,
	"conversation_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_failed_inbound_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "email_mailbox_leases" ADD CONSTRAINT "email_mailbox_leases_tenant_id_channel_id_channels_tenant_id_id_fk" FOREIGN KEY ("tenant_id","channel_id") REFERENCES "public"."channels"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_failed_inbound" ADD CONSTRAINT "email_failed_inbound_tenant_id_channel_id_channels_tenant_id_id_fk" FOREIGN KEY ("tenant_id","channel_id") REFERENCES "public"."channels"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "email_failed_inbound_raw_key" ON "email_failed_inbound" USING btree ("tenant_id","channel_id","raw_sha256");--> statement-breakpoint
CREATE INDEX "email_failed_inbound_status_idx" ON "email_failed_inbound" USING btree ("tenant_id","status","created_at");