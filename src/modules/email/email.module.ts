import type { EmailChannelAdapter } from '../../channels/email/email-channel.adapter.ts';
import type { BackgroundService } from '../../platform/background-service.ts';
import type { Platform } from '../../platform/context.ts';
import type { App } from '../../platform/http/server.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { InboundMessageService } from '../conversations/inbound-message.service.ts';
import { registerEmailRoutes } from './email.routes.ts';
import { EmailAddressDirectory } from './email-address-directory.ts';
import { EmailInboundService } from './email-inbound.service.ts';
import { ImapPollerService } from './imap-poller.service.ts';
import { SmtpReceiver } from './smtp-receiver.service.ts';

/**
 * The email transports around the email channel adapter: the SMTP receiver (role `smtp`), the IMAP
 * pollers (role `worker`), the failed-inbound store and its admin routes.
 */
export function createEmailModule(
  platform: Platform,
  http: App,
  channels: ChannelService,
  inbound: InboundMessageService,
): { email: EmailInboundService; backgroundServices: BackgroundService[] } {
  const { config, logger } = platform;
  const email = new EmailInboundService(platform, channels, inbound, {
    floodLimitPerHour: config.EMAIL_FLOOD_LIMIT,
  });
  registerEmailRoutes(http, email);
  const receiver = new SmtpReceiver(logger, new EmailAddressDirectory(channels), email, {
    host: config.SMTP_HOST ?? config.HOST,
    port: config.SMTP_PORT,
    tlsKeyPath: config.SMTP_TLS_KEY,
    tlsCertPath: config.SMTP_TLS_CERT,
    maxBytes: config.SMTP_MAX_BYTES,
    rateLimit: config.SMTP_RATE_LIMIT,
  });
  const pollers = new ImapPollerService(logger, platform.database, channels, email, platform.outbound);
  // Pooled outbound SMTP connections belong to whichever role delivers; closed on shutdown.
  const outboundConnections: BackgroundService = {
    name: 'email-outbound-connections',
    roles: ['web', 'worker', 'smtp'],
    start: async () => undefined,
    stop: async () => (channels.registry.get('email') as EmailChannelAdapter).close(),
  };
  return {
    email,
    backgroundServices: [receiver, ...(config.IMAP_POLLING === 'on' ? [pollers] : []), outboundConnections],
  };
}
