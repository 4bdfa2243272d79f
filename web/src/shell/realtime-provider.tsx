import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { useTranslation } from 'react-i18next';
import { keys, storeConversation, storeMessage, useUsers } from '../api/queries.ts';
import {
  type ConnectionStatus,
  type Frame,
  type PresenceEntry,
  PresenceStore,
  RealtimeConnection,
} from '../api/realtime.ts';
import type { Conversation, Message } from '../api/types.ts';
import { mentionedUsers } from '../lib/mentions.ts';
import { navigate } from '../router.tsx';
import { useMe } from './session.tsx';
import { showToast } from './toasts.tsx';

interface Realtime {
  status: ConnectionStatus;
  presence: PresenceStore;
  /** Conversations with new customer activity the agent has not opened yet. */
  newWork: Set<string>;
  setActiveConversation(id: string | null): void;
  sendPresence(conversationId: string, state: 'viewing' | 'typing' | 'left'): void;
}

const RealtimeContext = createContext<Realtime | null>(null);

/** Keeps every cached list, conversation and timeline current from the WebSocket, and notifies the agent. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const me = useMe();
  const users = useUsers().data?.items;
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [newWork, setNewWork] = useState<Set<string>>(() => new Set());
  const presence = useMemo(() => new PresenceStore(), []);
  const connection = useMemo(() => new RealtimeConnection(), []);
  const active = useRef<string | null>(null);
  const context = useRef({ users, meId: me.user.id, t });
  context.current = { users, meId: me.user.id, t };

  useEffect(() => {
    let countsTimer: ReturnType<typeof setTimeout> | undefined;
    const refreshCounts = () => {
      clearTimeout(countsTimer);
      countsTimer = setTimeout(() => void client.invalidateQueries({ queryKey: keys.counts }), 400);
    };
    const addWork = (id: string) =>
      setNewWork((current) =>
        current.has(id) || active.current === id ? current : new Set(current).add(id),
      );
    const open = (id: string) => ({
      label: context.current.t('conversation.open'),
      run: () => navigate(`/inbox/${id}${window.location.search}`),
    });

    const handle = (frame: Frame) => {
      const { meId, users: knownUsers, t: translate } = context.current;
      switch (frame.type) {
        case 'conversation.created':
        case 'conversation.updated': {
          const conversation = frame.data as Conversation;
          storeConversation(client, conversation, meId);
          refreshCounts();
          if (frame.type === 'conversation.created' && conversation.assigneeId === null) {
            addWork(conversation.id);
            if (active.current !== conversation.id) {
              showToast(
                translate('conversation.newConversation', {
                  name: conversation.contact.name ?? translate('list.noName'),
                }),
                {
                  action: open(conversation.id),
                },
              );
            }
          }
          break;
        }
        case 'message.created': {
          const message = frame.data as Message;
          storeMessage(client, message);
          void client.invalidateQueries({ queryKey: keys.contactTimeline(message.contactId) });
          const conversation = client.getQueryData<Conversation>(keys.conversation(message.conversationId));
          if (message.kind === 'note' && message.authorUserId !== meId && knownUsers) {
            if (mentionedUsers(message.text, knownUsers).some((user) => user.id === meId)) {
              const author = knownUsers.find((user) => user.id === message.authorUserId)?.name ?? '';
              showToast(
                translate('conversation.mentioned', { name: author, number: conversation?.number ?? '' }),
                {
                  action: open(message.conversationId),
                },
              );
            }
          }
          if (
            message.direction === 'inbound' &&
            message.kind === 'message' &&
            active.current !== message.conversationId
          ) {
            addWork(message.conversationId);
            if (conversation?.assigneeId === meId) {
              showToast(
                translate('conversation.newMessage', {
                  name: conversation.contact.name ?? translate('list.noName'),
                }),
                {
                  action: open(message.conversationId),
                },
              );
            }
          }
          break;
        }
        case 'message.updated':
          storeMessage(client, frame.data as Message);
          break;
        case 'presence':
          if (frame.data?.userId !== meId) presence.apply(frame.data);
          break;
        case 'resync':
          void client.invalidateQueries();
          break;
      }
    };
    const offFrame = connection.onFrame(handle);
    const offStatus = connection.onStatus((next) => {
      setStatus(next);
      if (next === 'open' && active.current)
        connection.send({ type: 'presence', conversationId: active.current, state: 'viewing' });
      if (next === 'offline') presence.clear();
    });
    connection.connect();
    return () => {
      offFrame();
      offStatus();
      clearTimeout(countsTimer);
      connection.close();
    };
  }, [client, connection, presence]);

  useEffect(() => {
    const base = 'Unisono';
    document.title = newWork.size > 0 ? `(${newWork.size}) ${base}` : base;
  }, [newWork]);

  const value = useMemo<Realtime>(
    () => ({
      status,
      presence,
      newWork,
      setActiveConversation(id) {
        active.current = id;
        if (id) {
          setNewWork((current) => {
            if (!current.has(id)) return current;
            const next = new Set(current);
            next.delete(id);
            return next;
          });
        }
      },
      sendPresence(conversationId, state) {
        connection.send({ type: 'presence', conversationId, state });
      },
    }),
    [status, presence, newWork, connection],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): Realtime {
  const realtime = useContext(RealtimeContext);
  if (!realtime) throw new Error('useRealtime outside RealtimeProvider');
  return realtime;
}

/** Other agents viewing or typing in a conversation, refreshed as presence frames arrive. */
export function usePresence(conversationId: string | undefined): PresenceEntry[] {
  const { presence } = useRealtime();
  useSyncExternalStore(presence.subscribe, presence.getVersion);
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((value) => value + 1), 5_000);
    return () => clearInterval(timer);
  }, []);
  return conversationId ? presence.of(conversationId) : [];
}
