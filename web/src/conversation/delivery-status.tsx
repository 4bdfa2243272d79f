import { useTranslation } from 'react-i18next';
import { describeError } from '../api/errors.ts';
import { useRetryMessage, useSendMessageNow } from '../api/queries.ts';
import type { Message } from '../api/types.ts';
import { Icon } from '../components/icons.tsx';
import { formatFull } from '../lib/time-format.ts';
import { showToast } from '../shell/toasts.tsx';

const ICONS = {
  queued: 'clock',
  sent: 'check',
  delivered: 'checks',
  read: 'checks',
  failed: 'alert',
  received: 'inbound',
} as const;

/** Where an outgoing message stands; a waiting one can be sent now, a failed one says why and can be sent again. */
export function DeliveryStatus({ message }: { message: Message }) {
  const { t, i18n } = useTranslation();
  const retry = useRetryMessage();
  const sendNow = useSendMessageNow();
  if (!message.status || message.direction === 'inbound') return null;
  const status = message.status;
  const when =
    status === 'read'
      ? message.readAt
      : status === 'delivered'
        ? message.deliveredAt
        : status === 'sent'
          ? message.sentAt
          : null;
  return (
    <span className={`delivery delivery-${status}`} data-testid="delivery-status" data-status={status}>
      <span className="delivery-state" title={when ? formatFull(when, i18n.language) : undefined}>
        <Icon name={ICONS[status]} size={14} />
        {t(`delivery.${status}`)}
      </span>
      {status === 'queued' && message.attempts > 0 && (
        <span className="delivery-detail">
          {t('delivery.attempts', { count: message.attempts })}
          {message.nextAttemptAt &&
            ` · ${t('delivery.nextAttempt', { time: new Date(message.nextAttemptAt).toLocaleTimeString(i18n.language) })}`}
          {message.statusReason && ` · ${t('delivery.reason', { reason: message.statusReason })}`}
        </span>
      )}
      {status === 'queued' &&
        message.attempts > 0 &&
        message.nextAttemptAt &&
        Date.parse(message.nextAttemptAt) > Date.now() && (
          <button
            type="button"
            className="button button-small"
            disabled={sendNow.isPending}
            onClick={() =>
              sendNow.mutate(message, {
                onSuccess: () => showToast(t('delivery.sendingNow'), { tone: 'success' }),
                onError: (error) => showToast(describeError(error, t), { tone: 'error' }),
              })
            }
          >
            <Icon name="outbound" size={14} /> {t('delivery.sendNow')}
          </button>
        )}
      {status === 'failed' && (
        <>
          {message.statusReason && (
            <span className="delivery-detail">{t('delivery.reason', { reason: message.statusReason })}</span>
          )}
          <button
            type="button"
            className="button button-small"
            disabled={retry.isPending}
            onClick={() =>
              retry.mutate(message, {
                onSuccess: () => showToast(t('delivery.retried'), { tone: 'success' }),
                onError: (error) => showToast(describeError(error, t), { tone: 'error' }),
              })
            }
          >
            <Icon name="retry" size={14} /> {t('delivery.retry')}
          </button>
        </>
      )}
    </span>
  );
}
