import { memo, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Attachment, Contact, Message } from '../api/types.ts';
import { ChannelIcon, Icon } from '../components/icons.tsx';
import { formatFull, formatTimestamp } from '../lib/time-format.ts';
import type { Directory } from '../shell/directory.ts';
import { DeliveryStatus } from './delivery-status.tsx';
import { EmailFrame } from './email-frame.tsx';

interface ItemProps {
  message: Message;
  contact: Contact | undefined;
  directory: Directory;
  now: number;
  /** In the cross-conversation view: the number of the conversation this item belongs to. */
  conversationNumber?: number;
}

export const TimelineItem = memo(function TimelineItem({
  message,
  contact,
  directory,
  now,
  conversationNumber,
}: ItemProps) {
  const { t, i18n } = useTranslation();
  const time = (
    <time dateTime={message.createdAt} title={formatFull(message.createdAt, i18n.language)}>
      {formatTimestamp(message.createdAt, now, i18n.language)}
    </time>
  );
  const where = conversationNumber !== undefined && (
    <span className="item-conversation">
      {t('conversation.inConversation', { number: conversationNumber })}
    </span>
  );

  if (message.kind === 'activity') {
    return (
      <li className="timeline-activity" data-kind="activity">
        <Icon name="activity" size={14} />
        <span>{describeActivity(message, directory, t)}</span>
        {where}
        {time}
      </li>
    );
  }

  const author =
    message.direction === 'inbound'
      ? (contact?.name ?? t('list.noName'))
      : (directory.user.get(message.authorUserId ?? '')?.name ?? t('activity.system'));
  const channel = message.channelId ? directory.channel.get(message.channelId) : undefined;
  const identity = contact?.identities.find((candidate) => candidate.id === message.identityId);
  const iconKind = identity?.kind ?? channel?.kind;
  const channelLabel = [
    channel?.name,
    identity ? `${t(`identity.${identity.kind}`)} ${identity.displayValue}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const switchedFrom =
    typeof message.metadata.channelSwitchedFrom === 'string' ? message.metadata.channelSwitchedFrom : null;
  const isNote = message.kind === 'note';
  const quoted = typeof message.metadata.quotedText === 'string' ? message.metadata.quotedText : null;

  return (
    <li
      className={`timeline-item ${isNote ? 'is-note' : `is-${message.direction}`}`}
      data-kind={message.kind}
      data-message-id={message.id}
    >
      {switchedFrom && (
        <p className="channel-switch">
          <Icon name="outbound" size={14} />
          {t('conversation.channelSwitched', {
            from: directory.channel.get(switchedFrom)?.name ?? t('app.unknown'),
            to: channel?.name ?? t('app.unknown'),
          })}
        </p>
      )}
      <header className="item-header">
        {isNote ? (
          <span className="note-badge">
            <Icon name="note" size={14} /> {t('conversation.note')}
          </span>
        ) : (
          <ChannelIcon kind={iconKind} label={channelLabel || t('app.unknown')} />
        )}
        <span className="item-direction">
          <Icon name={message.direction === 'inbound' ? 'inbound' : 'outbound'} size={12} />
          <span className="visually-hidden">
            {message.direction === 'inbound' ? t('conversation.inbound') : t('conversation.outbound')}
          </span>
        </span>
        <strong className="item-author">{author}</strong>
        {!isNote && channel && (
          <span className="item-channel" title={channelLabel}>
            {t('conversation.viaChannel', { channel: channel.name })}
          </span>
        )}
        {where}
        <span className="item-time">{time}</span>
      </header>
      {message.subject && message.direction === 'inbound' && (
        <p className="item-subject">{message.subject}</p>
      )}
      {message.html && !isNote ? (
        <EmailFrame html={message.html} inline={inlineParts(message.attachments)} />
      ) : (
        <div className="item-text">{isNote ? highlightMentions(message.text) : message.text}</div>
      )}
      {quoted && <QuotedText text={quoted} />}
      {message.attachments.length > 0 && (
        <Attachments attachments={message.attachments} hasHtml={Boolean(message.html) && !isNote} />
      )}
      {!isNote && <DeliveryStatus message={message} />}
    </li>
  );
});

function QuotedText({ text }: { text: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <div className="quoted">
      <button
        type="button"
        className="button-link"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        {open ? t('conversation.hideQuoted') : t('conversation.showQuoted')}
      </button>
      {open && <pre className="quoted-text">{text}</pre>}
    </div>
  );
}

/** Images as thumbnails (except inline parts an HTML email already shows), other files to download. */
function Attachments({ attachments, hasHtml }: { attachments: Attachment[]; hasHtml: boolean }) {
  const { t } = useTranslation();
  const isImage = (attachment: Attachment) => attachment.contentType.startsWith('image/');
  const images = attachments.filter((attachment) => isImage(attachment) && !(hasHtml && attachment.inline));
  const files = attachments.filter((attachment) => !isImage(attachment));
  if (images.length === 0 && files.length === 0) return null;
  return (
    <div className="attachments">
      <span className="visually-hidden">{t('conversation.attachments')}</span>
      {images.map((image) => (
        <a
          key={image.id}
          href={image.url}
          target="_blank"
          rel="noreferrer"
          className="attachment-image"
          aria-label={t('conversation.openImage', { name: image.filename })}
        >
          <img src={image.url} alt={image.filename} loading="lazy" />
        </a>
      ))}
      {files.map((attachment) => (
        <a
          key={attachment.id}
          href={attachment.url}
          download={attachment.filename}
          className="attachment-file"
          aria-label={t('conversation.download', { name: attachment.filename })}
        >
          <Icon name="download" size={14} />
          <span>{attachment.filename}</span>
          <span className="attachment-size">{formatSize(attachment.size)}</span>
        </a>
      ))}
    </div>
  );
}

const inlineCache = new WeakMap<Attachment[], Record<string, string>>();

/** Content-ID → attachment URL, so an email's `cid:` images show (memoised per attachment list). */
function inlineParts(attachments: Attachment[]): Record<string, string> {
  let parts = inlineCache.get(attachments);
  if (!parts) {
    parts = Object.fromEntries(
      attachments
        .filter((attachment) => attachment.contentId)
        .map((attachment) => [attachment.contentId!.replace(/^<|>$/g, ''), attachment.url]),
    );
    inlineCache.set(attachments, parts);
  }
  return parts;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function highlightMentions(text: string): ReactNode[] {
  return text.split(/(@[\w.+-]*\w)/g).map((part, index) =>
    part.startsWith('@') ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: split parts have no identity beyond position
      <mark key={index} className="mention">
        {part}
      </mark>
    ) : (
      part
    ),
  );
}

type Translate = ReturnType<typeof useTranslation>['t'];

function describeActivity(message: Message, directory: Directory, t: Translate): string {
  const actor = message.authorUserId
    ? (directory.user.get(message.authorUserId)?.name ?? t('app.unknown'))
    : t('activity.system');
  const { action, to } = message.metadata as { action?: string; to?: unknown };
  const name = (value: unknown, lookup: (id: string) => string | undefined) =>
    typeof value === 'string' ? (lookup(value) ?? value) : t('app.none');
  switch (action) {
    case 'status_changed':
      return t('activity.status_changed', {
        actor,
        to: t(`status.${to as 'open'}`, { defaultValue: String(to) }),
      });
    case 'assigned':
      return to
        ? t('activity.assigned', { actor, to: name(to, (id) => directory.user.get(id)?.name) })
        : t('activity.unassigned', { actor });
    case 'team_changed':
      return t('activity.team_changed', { actor, to: name(to, (id) => directory.team.get(id)?.name) });
    case 'labels_changed':
      return t('activity.labels_changed', {
        actor,
        to: Array.isArray(to) && to.length ? to.join(', ') : t('app.none'),
      });
    case 'priority_changed':
      return t('activity.priority_changed', {
        actor,
        to: t(`priority.${to as 'low'}`, { defaultValue: String(to) }),
      });
    case 'preferred_channel_changed':
      return t('activity.preferred_channel_changed', {
        actor,
        to: name(to, (id) => directory.channel.get(id)?.name),
      });
    case 'snooze_ended':
      return t('activity.snooze_ended');
    default:
      return t('activity.other', { text: message.text });
  }
}
