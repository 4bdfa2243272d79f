import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createChannelRegistry } from './channels/registry.ts';
import { registerAuditRoutes } from './modules/audit/audit.routes.ts';
import { CannedAnswerService } from './modules/canned-answers/canned-answer.service.ts';
import { registerCannedAnswerRoutes } from './modules/canned-answers/canned-answers.routes.ts';
import { ChannelService } from './modules/channels/channel.service.ts';
import { registerChannelRoutes } from './modules/channels/channels.routes.ts';
import { ContactService } from './modules/contacts/contact.service.ts';
import { ContactExportService } from './modules/contacts/contact-export.service.ts';
import { registerContactImportRoutes } from './modules/contacts/contact-import.routes.ts';
import { ContactImportService } from './modules/contacts/contact-import.service.ts';
import { ContactMergeService } from './modules/contacts/contact-merge.service.ts';
import { registerContactProfileRoutes } from './modules/contacts/contact-profile.routes.ts';
import { ContactTimelineService } from './modules/contacts/contact-timeline.service.ts';
import { registerContactRoutes } from './modules/contacts/contacts.routes.ts';
import { CustomAttributeService } from './modules/contacts/custom-attributes.service.ts';
import { InboundContactResolver } from './modules/contacts/inbound-contact-resolver.ts';
import { MergeSuggestionService } from './modules/contacts/merge-suggestion.service.ts';
import {
  ConversationService,
  WAKE_SNOOZED_CONVERSATION,
} from './modules/conversations/conversation.service.ts';
import { registerConversationRoutes } from './modules/conversations/conversations.routes.ts';
import {
  DELIVER_OUTBOUND_MESSAGE,
  startDeliveryWorkers,
} from './modules/conversations/deliver-outbound-message.job.ts';
import { registerInboundRoutes } from './modules/conversations/inbound.routes.ts';
import { InboundMessageService } from './modules/conversations/inbound-message.service.ts';
import { OutboundMessageService } from './modules/conversations/outbound-message.service.ts';
import { createEmailModule } from './modules/email/email.module.ts';
import type { EmailInboundService } from './modules/email/email-inbound.service.ts';
import { registerInboxRoutes } from './modules/inbox/inbox.routes.ts';
import { InboxService } from './modules/inbox/inbox.service.ts';
import { registerCrmRoutes } from './modules/integrations/crm.routes.ts';
import { CRM_LOOKUP, CrmService } from './modules/integrations/crm.service.ts';
import { CRM_WRITE_BACK, CrmWriteBackService } from './modules/integrations/crm-write-back.service.ts';
import { LabelService } from './modules/labels/label.service.ts';
import { registerLabelRoutes } from './modules/labels/labels.routes.ts';
import { registerRealtimeRoutes } from './modules/realtime/realtime.routes.ts';
import { registerSearchRoutes } from './modules/search/search.routes.ts';
import { SearchService } from './modules/search/search.service.ts';
import { TenantService } from './modules/tenants/tenant.service.ts';
import { registerTenantRoutes } from './modules/tenants/tenants.routes.ts';
import { registerAuthRoutes } from './modules/users/auth.routes.ts';
import { AuthService } from './modules/users/auth.service.ts';
import { InvitationService } from './modules/users/invitation.service.ts';
import { UserService } from './modules/users/user.service.ts';
import { registerUserRoutes } from './modules/users/users.routes.ts';
import { registerWorkspaceRoutes } from './modules/workspace/workspace.routes.ts';
import type { BackgroundService } from './platform/background-service.ts';
import { type Config, publicUrl } from './platform/config.ts';
import type { Platform } from './platform/context.ts';
import { type Database, openDatabase } from './platform/db/database.ts';
import { migrateDatabase } from './platform/db/migrate.ts';
import { StatisticsKeeper } from './platform/db/statistics-keeper.ts';
import { eventById, LocalEventBus, PostgresEventBus } from './platform/events/event-bus.ts';
import { PROCESS_DOMAIN_EVENT, ProcessingEventBus } from './platform/events/event-processors.ts';
import { OutboxRetention } from './platform/events/outbox-retention.ts';
import { registerOperationsRoutes } from './platform/http/operations.routes.ts';
import { OutboundGuard } from './platform/http/outbound-guard.ts';
import { type App, createHttpServer } from './platform/http/server.ts';
import { JobQueue } from './platform/jobs/job-queue.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { Metrics } from './platform/metrics.ts';
import { RealtimeHub } from './platform/realtime/realtime-hub.ts';
import { randomToken, SecretBox } from './platform/security/crypto.ts';
import { FileSystemStorage } from './platform/storage/attachment-storage.ts';

export const VERSION = '0.1.0';

export interface UnisonoOptions {
  /** An already open database (tests share one); otherwise opened from the config. */
  database?: Database;
  logger?: Logger;
  /** In-memory PGlite instead of DATA_DIR (tests). */
  memory?: boolean;
}

export interface Services {
  tenants: TenantService;
  users: UserService;
  auth: AuthService;
  contacts: ContactService;
  channels: ChannelService;
  conversations: ConversationService;
  inbound: InboundMessageService;
  outbound: OutboundMessageService;
  email: EmailInboundService;
  crm: CrmService;
  contactImport: ContactImportService;
  contactExport: ContactExportService;
}

export interface Unisono {
  config: Config;
  http: App;
  platform: Platform;
  services: Services;
  hub: RealtimeHub;
  /** Starts the configured roles: job workers and/or the HTTP listener. Returns the listening URL. */
  start(): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** The composition root: wires platform, modules and channels into one process. */
export async function createUnisono(config: Config, options: UnisonoOptions = {}): Promise<Unisono> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      poolSize: config.DATABASE_POOL_SIZE,
      memory: options.memory,
    }));
  await migrateDatabase(database);

  const metrics = new Metrics();
  const busKind = config.REALTIME_BUS ?? (database.kind === 'postgres' ? 'postgres' : 'local');
  const realtimeBus = busKind === 'postgres' ? new PostgresEventBus(database, logger) : new LocalEventBus();
  if (realtimeBus instanceof PostgresEventBus) await realtimeBus.start();
  const jobs = new JobQueue(database, logger);
  const bus = new ProcessingEventBus(realtimeBus, jobs, logger);
  const platform: Platform = {
    config,
    logger,
    database,
    bus,
    jobs,
    metrics,
    storage: new FileSystemStorage(path.resolve(config.DATA_DIR, 'attachments')),
    secretBox: new SecretBox(config.SECRET_KEY ?? localSecretKey(config.DATA_DIR, logger, database.kind)),
    outbound: new OutboundGuard(config.OUTBOUND_ALLOW_PRIVATE),
  };
  const registry = createChannelRegistry({
    deliveryTimeoutMs: config.DELIVERY_TIMEOUT_MS,
    outbound: platform.outbound,
  });
  const tenants = new TenantService(platform);
  const users = new UserService(platform);
  const auth = new AuthService(platform);
  const attributes = new CustomAttributeService(platform);
  const suggestions = new MergeSuggestionService(platform);
  bus.register(suggestions);
  const contacts = new ContactService(platform, tenants, attributes, suggestions);
  const merges = new ContactMergeService(platform);
  const timeline = new ContactTimelineService(platform);
  const search = new SearchService(platform, contacts);
  const channels = new ChannelService(platform, registry);
  const conversations = new ConversationService(platform, users, channels);
  const outbound = new OutboundMessageService(platform, channels);
  const inbound = new InboundMessageService(
    platform,
    channels,
    new InboundContactResolver(tenants),
    tenants,
    outbound,
  );
  // On PGlite, background jobs and ingest share one thread and one connection: merge suggestions, CRM prefetch
  // and write-back wait while inbound messages queue for their transaction (paced p50 30 → 17-21 ms in
  // bench/RESULTS.md). On PostgreSQL jobs run on connections of their own; deferring them measured no gain.
  if (database.kind === 'pglite') jobs.deferWhile(() => inbound.backlog > 0);
  const crm = new CrmService(platform, contacts);
  const crmWriteBack = new CrmWriteBackService(platform, crm, contacts, {
    retryBaseMs: config.DELIVERY_RETRY_BASE_MS,
    // Write-back keeps its former count-based limit; replies use the retry horizon (README, Configuration).
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS ?? 8,
  });
  bus.register(crm.prewarmProcessor());
  bus.register(crmWriteBack.processor());
  const contactImport = new ContactImportService(platform, contacts, tenants);
  const contactExport = new ContactExportService(platform);

  const hub = new RealtimeHub();
  realtimeBus.subscribe((events) => hub.dispatch(events));

  const baseUrl = publicUrl(config);
  const http = await createHttpServer({
    logger,
    metrics,
    bodyLimit: config.BODY_LIMIT_BYTES,
    resolveActor: auth.resolveActor,
    version: VERSION,
    trustedProxies: config.TRUSTED_PROXIES,
  });
  registerOperationsRoutes(http, database, metrics);
  const invitations = new InvitationService(platform, auth);
  registerAuthRoutes(http, { auth, users, invitations }, baseUrl.startsWith('https://'));
  registerTenantRoutes(http, tenants);
  registerAuditRoutes(http, database);
  registerUserRoutes(http, users, invitations, baseUrl);
  registerContactRoutes(http, contacts);
  registerContactImportRoutes(http, contactImport, contactExport);
  registerCrmRoutes(http, crm, crmWriteBack);
  registerContactProfileRoutes(http, { contacts, merges, timeline, attributes, suggestions });
  registerSearchRoutes(http, search);
  registerChannelRoutes(http, channels, baseUrl);
  registerConversationRoutes(http, conversations, outbound);
  registerInboundRoutes(http, inbound);
  const emailModule = createEmailModule(platform, http, channels, inbound);
  const email = emailModule.email;
  const services: Services = {
    tenants,
    users,
    auth,
    contacts,
    channels,
    conversations,
    inbound,
    outbound,
    email,
    crm,
    contactImport,
    contactExport,
  };
  registerRealtimeRoutes(http, { hub, database, metrics, resolveActor: auth.resolveActor });
  registerLabelRoutes(http, new LabelService(platform));
  registerCannedAnswerRoutes(http, new CannedAnswerService(platform));
  registerInboxRoutes(http, new InboxService(platform, channels));
  registerWorkspaceRoutes(http);
  metrics.addCollectedGauge('unisono_job_queue_depth', 'Jobs waiting per queue', ['queue'], async (gauge) => {
    for (const queue of [
      DELIVER_OUTBOUND_MESSAGE,
      WAKE_SNOOZED_CONVERSATION,
      PROCESS_DOMAIN_EVENT,
      CRM_LOOKUP,
      CRM_WRITE_BACK,
    ]) {
      gauge.set({ queue }, await jobs.queueSize(queue).catch(() => 0));
    }
  });

  // The queue is started in every role: web nodes enqueue inside their transactions.
  await jobs.start([
    DELIVER_OUTBOUND_MESSAGE,
    WAKE_SNOOZED_CONVERSATION,
    PROCESS_DOMAIN_EVENT,
    CRM_LOOKUP,
    CRM_WRITE_BACK,
  ]);
  // Transports that run beside the HTTP server (mail receivers, mailbox pollers) register here.
  const backgroundServices: BackgroundService[] = [
    ...emailModule.backgroundServices,
    new StatisticsKeeper(database, logger),
    new OutboxRetention(database, logger, config.OUTBOX_RETENTION_DAYS),
  ];
  const running: BackgroundService[] = [];
  let stopped = false;

  return {
    config,
    http,
    platform,
    services,
    hub,
    async start() {
      if (config.ROLES.includes('worker')) {
        await startDeliveryWorkers(jobs, outbound);
        await bus.startWorkers((tenantId, eventId) => eventById(database, tenantId, eventId));
        await jobs.work<{ tenantId: string; conversationId: string }>(WAKE_SNOOZED_CONVERSATION, (job) =>
          conversations.wakeSnoozed(job.tenantId, job.conversationId),
        );
        await crm.startWorkers();
        await crmWriteBack.startWorkers();
      }
      for (const service of backgroundServices) {
        if (!service.roles.some((role) => config.ROLES.includes(role))) continue;
        await service.start();
        running.push(service);
      }
      if (!config.ROLES.includes('web')) {
        await http.ready();
        return undefined;
      }
      return http.listen({ host: config.HOST, port: config.PORT });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const service of running.splice(0).reverse()) {
        await service
          .stop()
          .catch((error) => logger.error({ err: error, service: service.name }, 'stop failed'));
      }
      await http.close();
      await jobs.stop();
      platform.outbound.close();
      if (realtimeBus instanceof PostgresEventBus) await realtimeBus.stop();
      if (ownsDatabase) await database.close();
    },
  };
}

/** Without SECRET_KEY, a key generated once and kept beside the data (fine for one machine). */
function localSecretKey(dataDir: string, logger: Logger, databaseKind: string): string {
  const file = path.resolve(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomToken(48);
  writeFileSync(file, key, { mode: 0o600 });
  if (databaseKind === 'postgres') {
    logger.warn(`SECRET_KEY is not set; generated ${file}. Set SECRET_KEY to the same value on every node.`);
  }
  return key;
}
