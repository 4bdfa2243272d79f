import { useTranslation } from 'react-i18next';
import type { ReplyOption } from '../lib/reply-channels.ts';
import type { Directory } from '../shell/directory.ts';

/** Chooses channel × identity for a reply, and says plainly when a channel cannot be used and why. */
export function ReplyChannelPicker({
  options,
  value,
  lastInboundChannelId,
  directory,
  onChange,
}: {
  options: ReplyOption[];
  value: ReplyOption | undefined;
  lastInboundChannelId: string | null;
  directory: Directory;
  onChange: (key: string) => void;
}) {
  const { t } = useTranslation();
  const usable = options.filter((option) => option.usable);
  const unusable = options.filter((option) => !option.usable);
  const reason = (option: ReplyOption) => {
    const problem = option.problem;
    if (!problem) return '';
    if (problem.code === 'no_reachable_identity') {
      return problem.needs.length
        ? t('composer.problem_no_reachable_identity', {
            needs: problem.needs
              .map((kind) => t(`identity.${kind as 'email'}`, { defaultValue: kind }))
              .join(', '),
          })
        : t('composer.problem_no_reachable_identity_any');
    }
    return t(`composer.problem_${problem.code}`);
  };
  const label = (option: ReplyOption) =>
    option.identityKind
      ? `${option.channelName} → ${t(`identity.${option.identityKind}`)} ${option.identityLabel ?? ''}`
      : option.channelName;

  if (usable.length === 0) {
    return (
      <p className="composer-warning" role="alert">
        {t('composer.noChannel')}
        {unusable.map((option) => (
          <span key={option.key} className="composer-warning-line">
            {t('composer.unusable', { channel: option.channelName, reason: reason(option) })}
          </span>
        ))}
      </p>
    );
  }

  const lastInbound = lastInboundChannelId ? directory.channel.get(lastInboundChannelId) : undefined;
  return (
    <div className="reply-channel">
      <label className="reply-channel-select">
        <span>{t('composer.replyVia')}</span>
        <select
          value={value?.key ?? ''}
          onChange={(event) => onChange(event.target.value)}
          data-testid="reply-channel"
        >
          {usable.map((option) => (
            <option key={option.key} value={option.key}>
              {label(option)}
            </option>
          ))}
          {unusable.length > 0 && (
            <optgroup label="—">
              {unusable.map((option) => (
                <option key={option.key} value={option.key} disabled>
                  {t('composer.unusable', { channel: option.channelName, reason: reason(option) })}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      {value?.warning && (
        <p className="composer-warning" role="status">
          {t(`composer.warning_${value.warning}`, { channel: value.channelName })}
        </p>
      )}
      {value && lastInbound && value.channelId !== lastInbound.id && (
        <p className="composer-info" role="status">
          {t('composer.switchedChannel', { from: lastInbound.name, to: value.channelName })}
        </p>
      )}
    </div>
  );
}
