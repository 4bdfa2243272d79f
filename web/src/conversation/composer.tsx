import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/errors.ts';
import { useAddNote, useCannedAnswers, useSendReply } from '../api/queries.ts';
import type { PresenceEntry } from '../api/realtime.ts';
import type { Contact, Conversation, Message } from '../api/types.ts';
import { Icon } from '../components/icons.tsx';
import { type Draft, loadDraft, saveDraft } from '../lib/local-store.ts';
import { mentionAtCaret, mentionHandle, shortcutAtCaret } from '../lib/mentions.ts';
import { defaultReplyOption, type ReplyContext, replyOptions } from '../lib/reply-channels.ts';
import { renderTemplate } from '../lib/template.ts';
import { formatAge } from '../lib/time-format.ts';
import { useDirectory } from '../shell/directory.ts';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { useMe } from '../shell/session.tsx';
import { showToast } from '../shell/toasts.tsx';
import { ReplyChannelPicker } from './reply-channel-picker.tsx';
import { type Suggestion, SuggestionList } from './suggestions.tsx';

const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;

interface PendingFile {
  filename: string;
  contentType: string;
  data: string;
  size: number;
}

export interface FocusRequest {
  mode: 'reply' | 'note';
  nonce: number;
}

export function Composer({
  conversation,
  contact,
  messages,
  others,
  focusRequest,
}: {
  conversation: Conversation;
  contact: Contact | undefined;
  messages: Message[];
  others: PresenceEntry[];
  focusRequest: FocusRequest | null;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const directory = useDirectory();
  const { sendPresence } = useRealtime();
  const canned = useCannedAnswers().data?.items ?? [];
  const sendReply = useSendReply();
  const addNote = useAddNote();
  const listId = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);

  const initial = useMemo(() => loadDraft(conversation.id), [conversation.id]);
  const [mode, setMode] = useState<Draft['mode']>(initial?.mode ?? 'reply');
  const [text, setText] = useState(initial?.text ?? '');
  const [optionKey, setOptionKey] = useState<string | undefined>(initial?.optionKey);
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [caret, setCaret] = useState(0);
  const [activeSuggestion, setActiveSuggestion] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const startedAt = useRef<number | null>(initial ? initial.updatedAt : null);
  const lastTyping = useRef(0);

  const lastInbound = [...messages]
    .reverse()
    .find((message) => message.direction === 'inbound' && message.kind === 'message');
  const context: ReplyContext = {
    channels: directory.channels,
    kinds: directory.kinds,
    identities: contact?.identities ?? [],
    conversation,
    contactPreferredChannelId: contact?.preferredChannelId,
    lastInbound: lastInbound
      ? { channelId: lastInbound.channelId, identityId: lastInbound.identityId }
      : undefined,
  };
  const options = replyOptions(context);
  const option =
    options.find((candidate) => candidate.key === optionKey && candidate.usable) ??
    defaultReplyOption(options, context);

  useEffect(() => {
    const timer = setTimeout(
      () => saveDraft(conversation.id, { mode, text, optionKey, updatedAt: startedAt.current ?? Date.now() }),
      300,
    );
    return () => clearTimeout(timer);
  }, [conversation.id, mode, text, optionKey]);

  useEffect(() => {
    if (!focusRequest) return;
    setMode(focusRequest.mode);
    textarea.current?.focus();
  }, [focusRequest]);

  useEffect(() => {
    if (!text) return;
    const timer = setTimeout(() => sendPresence(conversation.id, 'viewing'), 6_000);
    return () => clearTimeout(timer);
  }, [text, conversation.id, sendPresence]);

  // Suggestions: `/shortcut` for canned answers in replies and notes, `@handle` for colleagues in notes.
  const shortcut = dismissed ? null : shortcutAtCaret(text, caret);
  const mention = dismissed || mode !== 'note' ? null : mentionAtCaret(text, caret);
  const suggestions: Suggestion[] = shortcut
    ? canned
        .filter(
          (answer) =>
            answer.shortcut.includes(shortcut.query) || answer.title.toLowerCase().includes(shortcut.query),
        )
        .slice(0, 8)
        .map((answer) => ({ kind: 'canned', answer }))
    : mention
      ? directory.users
          .filter((user) => user.id !== me.user.id)
          .filter(
            (user) =>
              mentionHandle(user).includes(mention.query) || user.name.toLowerCase().includes(mention.query),
          )
          .slice(0, 8)
          .map((user) => ({ kind: 'mention', user }))
      : [];
  const picking = shortcut ?? mention;

  const insert = (suggestion: Suggestion) => {
    if (!picking) return;
    const email = contact?.identities.find((identity) => identity.kind === 'email')?.displayValue;
    const phone = contact?.identities.find((identity) => identity.kind === 'phone')?.displayValue;
    const replacement =
      suggestion.kind === 'canned'
        ? renderTemplate(suggestion.answer.body, {
            contact: { name: contact?.name ?? conversation.contact.name, email, phone },
            agent: { name: me.user.name, email: me.user.email },
            conversation: { number: conversation.number, subject: conversation.subject },
          })
        : `@${mentionHandle(suggestion.user)} `;
    const next = text.slice(0, picking.start) + replacement + text.slice(caret);
    setText(next);
    const position = picking.start + replacement.length;
    setCaret(position);
    setActiveSuggestion(0);
    requestAnimationFrame(() => textarea.current?.setSelectionRange(position, position));
  };

  const typingOthers = others.filter((entry) => entry.state === 'typing');
  const lateReply = messages.find(
    (message) =>
      message.kind === 'message' &&
      message.direction === 'outbound' &&
      message.authorUserId !== me.user.id &&
      startedAt.current !== null &&
      Date.parse(message.createdAt) > startedAt.current,
  );
  const collision = mode === 'reply' && (typingOthers.length > 0 || Boolean(lateReply));
  const names = (entries: PresenceEntry[]) =>
    entries.map((entry) => directory.user.get(entry.userId)?.name ?? t('app.unknown')).join(', ');

  const busy = sendReply.isPending || addNote.isPending;
  const closed = conversation.status === 'closed';
  const canSend =
    !busy &&
    (text.trim().length > 0 || (mode === 'reply' && files.length > 0)) &&
    (mode === 'note' || (option && !closed));

  const send = async () => {
    if (!canSend) return;
    if (collision && !confirming) {
      setConfirming(true);
      return;
    }
    try {
      if (mode === 'note') await addNote.mutateAsync({ id: conversation.id, text: text.trim() });
      else {
        await sendReply.mutateAsync({
          id: conversation.id,
          reply: {
            text,
            channelId: option!.channelId,
            identityId: option!.identityId ?? undefined,
            attachments: files.map(({ filename, contentType, data }) => ({ filename, contentType, data })),
          },
        });
      }
      setText('');
      setFiles([]);
      setConfirming(false);
      startedAt.current = null;
      saveDraft(conversation.id, null);
      sendPresence(conversation.id, 'viewing');
    } catch (error) {
      showToast(describeError(error, t), { tone: 'error' });
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (picking && suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActiveSuggestion((index) => (index + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        insert(suggestions[Math.min(activeSuggestion, suggestions.length - 1)]!);
        return;
      }
    }
    if (event.key === 'Escape' && picking) {
      event.preventDefault();
      event.stopPropagation();
      setDismissed(true);
      return;
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

  const attach = async (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      if (file.size > MAX_ATTACHMENT_BYTES) {
        showToast(t('composer.attachmentTooLarge', { name: file.name }), { tone: 'error' });
        continue;
      }
      const data = await readBase64(file);
      setFiles((current) => [
        ...current,
        { filename: file.name, contentType: file.type || 'application/octet-stream', data, size: file.size },
      ]);
    }
  };

  return (
    <section className={`composer composer-${mode}`} aria-label={t('composer.label')}>
      <div className="composer-tabs" role="tablist" aria-label={t('composer.label')}>
        {(['reply', 'note'] as const).map((entry) => (
          <button
            key={entry}
            type="button"
            role="tab"
            aria-selected={mode === entry}
            className={mode === entry ? 'is-active' : undefined}
            onClick={() => {
              setMode(entry);
              textarea.current?.focus();
            }}
          >
            {t(`composer.${entry}`)}
          </button>
        ))}
      </div>
      {mode === 'reply' &&
        (closed ? (
          <p className="composer-warning">{t('composer.closed')}</p>
        ) : (
          <ReplyChannelPicker
            options={options}
            value={option}
            lastInboundChannelId={lastInbound?.channelId ?? conversation.lastInboundChannelId}
            directory={directory}
            onChange={setOptionKey}
          />
        ))}
      {collision && (
        <p className="composer-warning composer-collision" role="alert">
          {typingOthers.length > 0 && t('composer.collision', { names: names(typingOthers) })}{' '}
          {lateReply &&
            t('composer.collisionReply', {
              name: directory.user.get(lateReply.authorUserId ?? '')?.name ?? t('app.unknown'),
              age: formatAge(lateReply.createdAt, Date.now(), {
                now: t('age.now'),
                minutes: t('age.minutes'),
                hours: t('age.hours'),
                days: t('age.days'),
              }),
            })}
        </p>
      )}
      <div className="composer-field">
        <label className="visually-hidden" htmlFor={`${listId}-text`}>
          {mode === 'reply' ? t('composer.reply') : t('composer.note')}
        </label>
        <textarea
          id={`${listId}-text`}
          ref={textarea}
          rows={3}
          value={text}
          placeholder={mode === 'reply' ? t('composer.replyPlaceholder') : t('composer.notePlaceholder')}
          aria-autocomplete="list"
          aria-controls={picking ? listId : undefined}
          aria-activedescendant={
            picking && suggestions.length > 0 ? `${listId}-${activeSuggestion}` : undefined
          }
          onChange={(event) => {
            setText(event.target.value);
            setCaret(event.target.selectionStart);
            setDismissed(false);
            setConfirming(false);
            if (startedAt.current === null) startedAt.current = Date.now();
            if (Date.now() - lastTyping.current > 3_000) {
              lastTyping.current = Date.now();
              sendPresence(conversation.id, 'typing');
            }
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
        />
        {picking && (
          <SuggestionList
            id={listId}
            kind={shortcut ? 'canned' : 'mention'}
            query={picking.query}
            suggestions={suggestions}
            activeIndex={activeSuggestion}
            onPick={insert}
          />
        )}
      </div>
      {files.length > 0 && (
        <ul className="pending-files">
          {files.map((file, index) => (
            <li key={`${file.filename}-${file.size}-${file.data.length}`}>
              <Icon name="attach" size={14} /> {file.filename}
              <button
                type="button"
                className="icon-button icon-button-small"
                aria-label={t('composer.removeAttachment', { name: file.filename })}
                onClick={() => setFiles((current) => current.filter((_, candidate) => candidate !== index))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-actions">
        {mode === 'reply' && (
          <label className="button button-quiet attach-button">
            <Icon name="attach" />
            <span className="visually-hidden">{t('composer.attach')}</span>
            <input
              type="file"
              multiple
              className="visually-hidden"
              onChange={(event) => {
                void attach(event.target.files);
                event.target.value = '';
              }}
            />
          </label>
        )}
        <span className="composer-hint">{t('composer.sendHint')}</span>
        <button
          type="button"
          className={`button ${confirming ? 'button-danger' : 'button-primary'}`}
          disabled={!canSend}
          onClick={() => void send()}
        >
          {busy
            ? t('composer.sending')
            : confirming
              ? t('composer.sendAnyway')
              : mode === 'reply'
                ? t('composer.send')
                : t('composer.addNote')}
        </button>
      </div>
    </section>
  );
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
