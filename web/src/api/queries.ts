import {
  type InfiniteData,
  infiniteQueryOptions,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { applyToPages } from '../lib/inbox-views.ts';
import { api, queryString, request } from './client.ts';
import type {
  CannedAnswer,
  Channel,
  ChannelKind,
  Contact,
  Conversation,
  ConversationUpdate,
  Counts,
  Filters,
  Label,
  Message,
  Page,
  Reply,
  Team,
  Tenant,
  User,
  View,
} from './types.ts';

type Items<T> = { items: T[] };
const STATIC = { staleTime: 60_000 };

export const keys = {
  users: ['users'] as const,
  teams: ['teams'] as const,
  channels: ['channels'] as const,
  channelKinds: ['channel-kinds'] as const,
  labels: ['labels'] as const,
  canned: ['canned-answers'] as const,
  views: ['views'] as const,
  counts: ['counts'] as const,
  tenant: ['tenant'] as const,
  lists: ['conversations'] as const,
  list: (filters: Filters) => ['conversations', filters] as const,
  conversation: (id: string) => ['conversation', id] as const,
  messages: (id: string) => ['messages', id] as const,
  contact: (id: string) => ['contact', id] as const,
  contactConversations: (id: string) => ['contact-conversations', id] as const,
  contactTimeline: (id: string) => ['contact-timeline', id] as const,
  contacts: (q: string) => ['contacts', q] as const,
  search: (q: string) => ['search', q] as const,
};

export const useUsers = () =>
  useQuery({ queryKey: keys.users, queryFn: () => api.get<Items<User>>('/api/v1/users'), ...STATIC });
export const useTeams = () =>
  useQuery({ queryKey: keys.teams, queryFn: () => api.get<Items<Team>>('/api/v1/teams'), ...STATIC });
export const useChannels = () =>
  useQuery({
    queryKey: keys.channels,
    queryFn: () => api.get<Items<Channel>>('/api/v1/channels'),
    ...STATIC,
  });
export const useChannelKinds = () =>
  useQuery({
    queryKey: keys.channelKinds,
    queryFn: () => api.get<Items<ChannelKind>>('/api/v1/inbox/channel-kinds'),
    staleTime: Number.POSITIVE_INFINITY,
  });
export const useLabels = () =>
  useQuery({ queryKey: keys.labels, queryFn: () => api.get<Items<Label>>('/api/v1/labels'), ...STATIC });
export const useCannedAnswers = () =>
  useQuery({
    queryKey: keys.canned,
    queryFn: () => api.get<Items<CannedAnswer>>('/api/v1/canned-answers'),
    ...STATIC,
  });
export const useSavedViews = () =>
  useQuery({ queryKey: keys.views, queryFn: () => api.get<Items<View>>('/api/v1/inbox/views'), ...STATIC });
export const useCounts = () =>
  useQuery({
    queryKey: keys.counts,
    queryFn: () => api.get<Counts>('/api/v1/inbox/counts'),
    staleTime: 30_000,
  });
export const useTenant = () =>
  useQuery({ queryKey: keys.tenant, queryFn: () => api.get<Tenant>('/api/v1/tenant'), ...STATIC });

export const PAGE_SIZE = 200;
/** The first page is small so the inbox is interactive at once; later pages are large. */
export const FIRST_PAGE_SIZE = 60;

export function conversationListQuery(filters: Filters) {
  return infiniteQueryOptions({
    queryKey: keys.list(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api.get<Page<Conversation>>(
        `/api/v1/conversations${queryString({
          ...filters,
          limit: pageParam ? PAGE_SIZE : FIRST_PAGE_SIZE,
          cursor: pageParam ?? undefined,
        })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? null,
    staleTime: 30_000,
  });
}

export function useConversationList(filters: Filters, enabled = true) {
  return useInfiniteQuery({ ...conversationListQuery(filters), enabled });
}

export function useSearch(q: string) {
  return useQuery({
    queryKey: keys.search(q),
    enabled: q.trim().length > 0,
    queryFn: () => api.get<Items<Conversation>>(`/api/v1/inbox/search${queryString({ q, limit: 100 })}`),
    staleTime: 10_000,
  });
}

export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: keys.conversation(id ?? ''),
    enabled: Boolean(id),
    queryFn: () => api.get<Conversation>(`/api/v1/conversations/${id}`),
  });
}

export function useMessages(conversationId: string | undefined) {
  return useQuery({
    queryKey: keys.messages(conversationId ?? ''),
    enabled: Boolean(conversationId),
    queryFn: () =>
      api.get<{ items: Message[]; hasMore: boolean }>(
        `/api/v1/conversations/${conversationId}/messages?limit=200`,
      ),
  });
}

export function useContact(id: string | undefined) {
  return useQuery({
    queryKey: keys.contact(id ?? ''),
    enabled: Boolean(id),
    queryFn: () => api.get<Contact>(`/api/v1/contacts/${id}`),
  });
}

export function useContactConversations(contactId: string | undefined) {
  return useQuery({
    queryKey: keys.contactConversations(contactId ?? ''),
    enabled: Boolean(contactId),
    queryFn: () =>
      api.get<Page<Conversation>>(
        `/api/v1/conversations${queryString({ contact: contactId, sort: 'last_activity', limit: 100 })}`,
      ),
  });
}

/** Every message of every conversation of a customer, oldest first: the cross-channel story. */
export function useContactTimeline(contactId: string | undefined, enabled = true) {
  const conversations = useContactConversations(contactId);
  const ids = conversations.data?.items.map((conversation) => conversation.id) ?? [];
  return useQuery({
    queryKey: [...keys.contactTimeline(contactId ?? ''), ids],
    enabled: Boolean(contactId) && enabled && conversations.isSuccess,
    queryFn: async () => {
      const lists = await Promise.all(
        ids.map((id) =>
          api
            .get<{ items: Message[] }>(`/api/v1/conversations/${id}/messages?limit=200`)
            .then((page) => page.items),
        ),
      );
      return lists.flat().sort((left, right) => left.createdAt.localeCompare(right.createdAt));
    },
  });
}

/** Puts a fresher copy of a conversation into every cache that shows it. */
export function storeConversation(client: QueryClient, conversation: Conversation, meId: string) {
  const current = client.getQueryData<Conversation>(keys.conversation(conversation.id));
  if (current && current.updatedAt > conversation.updatedAt) return;
  client.setQueryData(keys.conversation(conversation.id), conversation);
  for (const [key, data] of client.getQueriesData<InfiniteData<Page<Conversation>>>({
    queryKey: keys.lists,
  })) {
    if (!data) continue;
    const filters = key[1] as Filters;
    client.setQueryData(key, { ...data, pages: applyToPages(data.pages, conversation, filters, meId) });
  }
  for (const [key, data] of client.getQueriesData<Page<Conversation>>({
    queryKey: ['contact-conversations'],
  })) {
    if (!data?.items.some((item) => item.id === conversation.id)) continue;
    client.setQueryData(key, {
      ...data,
      items: data.items.map((item) => (item.id === conversation.id ? conversation : item)),
    });
  }
}

/**
 * Adds or replaces a message in its conversation's loaded timeline. Realtime frames arrive in order and
 * always win; an HTTP response may be older than frames that overtook it (a reply delivered before its
 * POST returned), so it only fills a gap, or moves a failed message back to queued (retry).
 */
export function storeMessage(
  client: QueryClient,
  message: Message,
  source: 'realtime' | 'response' = 'realtime',
) {
  client.setQueryData<{ items: Message[]; hasMore: boolean }>(
    keys.messages(message.conversationId),
    (data) => {
      if (!data) return data;
      const current = data.items.find((item) => item.id === message.id);
      if (current && source === 'response' && !(current.status === 'failed' && message.status === 'queued')) {
        return data;
      }
      return {
        ...data,
        items: current
          ? data.items.map((item) => (item.id === message.id ? message : item))
          : [...data.items, message].sort((left, right) => left.createdAt.localeCompare(right.createdAt)),
      };
    },
  );
}

export function useUpdateConversation(meId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: ConversationUpdate }) =>
      api.patch<Conversation>(`/api/v1/conversations/${id}`, changes),
    onSuccess: (conversation) => {
      storeConversation(client, conversation, meId);
      void client.invalidateQueries({ queryKey: keys.counts });
      void client.invalidateQueries({ queryKey: keys.messages(conversation.id) });
    },
  });
}

export function useSendReply() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reply }: { id: string; reply: Reply }) =>
      api.post<Message>(`/api/v1/conversations/${id}/replies`, reply),
    onSuccess: (message) => storeMessage(client, message, 'response'),
  });
}

export function useAddNote() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, text }: { id: string; text: string }) =>
      api.post<Message>(`/api/v1/conversations/${id}/notes`, { text }),
    onSuccess: (message) => storeMessage(client, message, 'response'),
  });
}

export function useRetryMessage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (message: Message) =>
      api.post<Message>(`/api/v1/conversations/${message.conversationId}/messages/${message.id}/retry`),
    onSuccess: (message) => storeMessage(client, message, 'response'),
  });
}

/** "Send now": a queued reply waiting for its next retry is tried at once. */
export function useSendMessageNow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (message: Message) =>
      api.post<Message>(`/api/v1/conversations/${message.conversationId}/messages/${message.id}/send-now`),
    onSuccess: (message) => storeMessage(client, message, 'response'),
  });
}

export function useUpdateContact() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, path = '', method = 'PATCH', body }: ContactChange) =>
      method === 'DELETE'
        ? request<Contact>('DELETE', `/api/v1/contacts/${id}${path}`)
        : method === 'POST'
          ? api.post<Contact>(`/api/v1/contacts/${id}${path}`, body)
          : api.patch<Contact>(`/api/v1/contacts/${id}${path}`, body),
    onSuccess: (contact) => client.setQueryData(keys.contact(contact.id), contact),
  });
}

interface ContactChange {
  id: string;
  path?: string;
  method?: 'PATCH' | 'POST' | 'DELETE';
  body?: unknown;
}
