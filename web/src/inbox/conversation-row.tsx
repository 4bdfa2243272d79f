import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../api/types.ts';
import { Avatar } from '../components/avatar.tsx';
import { ChannelIcon } from '../components/icons.tsx';
import { formatAge, waitingLevel } from '../lib/time-format.ts';
import { Link } from '../router.tsx';
import type { Directory } from '../shell/directory.ts';

export const ROW_HEIGHT = 84;

interface RowProps {
  conversation: Conversation;
  href: string;
  active: boolean;
  selected: boolean;
  unread: boolean;
  now: number;
  directory: Directory;
  onToggle: (id: string) => void;
}

/** One line of the list: who, on which channel, what they said, how long they wait, who has it. */
export const ConversationRow = memo(function ConversationRow({
  conversation,
  href,
  active,
  selected,
  unread,
  now,
  directory,
  onToggle,
}: RowProps) {
  const { t } = useTranslation();
  const channel = directory.channel.get(conversation.lastInboundChannelId ?? conversation.channelId);
  const assignee = conversation.assigneeId ? directory.user.get(conversation.assigneeId) : undefined;
  const units = { now: t('age.now'), minutes: t('age.minutes'), hours: t('age.hours'), days: t('age.days') };
  const name = conversation.contact.name ?? t('list.noName');
  const waiting = conversation.waitingSince ? formatAge(conversation.waitingSince, now, units) : null;
  return (
    <div className={`conversation-row ${active ? 'is-active' : ''} ${unread ? 'is-unread' : ''}`}>
      <input
        type="checkbox"
        className="row-check"
        checked={selected}
        aria-label={t('list.select', { number: conversation.number })}
        onChange={() => onToggle(conversation.id)}
      />
      <Link
        href={href}
        className="row-link"
        aria-current={active ? 'true' : undefined}
        data-conversation-id={conversation.id}
      >
        <span className="row-top">
          {unread && (
            <span className="unread-dot" title={t('list.unread')}>
              <span className="visually-hidden">{t('list.unread')}</span>
            </span>
          )}
          <ChannelIcon kind={channel?.kind} label={channel?.name ?? t('app.unknown')} />
          <span className="row-name">{name}</span>
          <span className="row-number">#{conversation.number}</span>
          {waiting !== null ? (
            <span
              className={`row-age age-${waitingLevel(conversation.waitingSince, now)}`}
              title={t('list.waiting', { age: waiting })}
            >
              {waiting}
            </span>
          ) : (
            <span className="row-age">{formatAge(conversation.lastActivityAt, now, units)}</span>
          )}
        </span>
        <span className="row-preview">
          {conversation.lastMessagePreview || conversation.subject || t('list.noPreview')}
        </span>
        <span className="row-meta">
          {channel && <span className="row-channel">{channel.name}</span>}
          {conversation.priority !== 'normal' && (
            <span className={`priority priority-${conversation.priority}`}>
              {t(`priority.${conversation.priority}`)}
            </span>
          )}
          {conversation.status !== 'open' && (
            <span className={`status status-${conversation.status}`}>
              {t(`status.${conversation.status}`)}
            </span>
          )}
          {conversation.labels.slice(0, 2).map((label) => (
            <span
              key={label}
              className="label-chip"
              style={{ borderColor: directory.label.get(label)?.color }}
            >
              {label}
            </span>
          ))}
          <span className="row-assignee">
            {assignee ? (
              <Avatar
                id={assignee.id}
                name={assignee.name}
                size={20}
                label={t('list.assignedTo', { name: assignee.name })}
              />
            ) : (
              <span className="visually-hidden">{t('list.unassigned')}</span>
            )}
          </span>
        </span>
      </Link>
    </div>
  );
});
