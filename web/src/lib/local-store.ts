/** Small typed wrapper over localStorage that never throws (private mode, quota, disabled storage). */
export function readStored<T>(key: string, fallback: T, storage: Storage | undefined = globalStorage()): T {
  try {
    const raw = storage?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function writeStored(key: string, value: unknown, storage: Storage | undefined = globalStorage()) {
  try {
    if (value === undefined || value === null) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or unavailable: drafts are a convenience
  }
}

function globalStorage(): Storage | undefined {
  return typeof localStorage === 'undefined' ? undefined : localStorage;
}

export interface Draft {
  mode: 'reply' | 'note';
  text: string;
  optionKey?: string;
  updatedAt: number;
}

const draftKey = (conversationId: string) => `unisono.draft.${conversationId}`;

export function loadDraft(conversationId: string, storage?: Storage): Draft | null {
  return readStored<Draft | null>(draftKey(conversationId), null, storage);
}

/** Keeps a draft per conversation; an empty text removes it. */
export function saveDraft(conversationId: string, draft: Draft | null, storage?: Storage) {
  writeStored(draftKey(conversationId), draft?.text.trim() ? draft : null, storage);
}

const SEEN_KEY = 'unisono.seen';
const SEEN_LIMIT = 2_000;

/** When the agent last looked at each conversation (its lastActivityAt then), for unread markers. */
export function markSeen(conversationId: string, lastActivityAt: string, storage?: Storage) {
  const seen = readStored<Record<string, string>>(SEEN_KEY, {}, storage);
  delete seen[conversationId];
  seen[conversationId] = lastActivityAt;
  const keys = Object.keys(seen);
  for (const key of keys.slice(0, Math.max(0, keys.length - SEEN_LIMIT))) delete seen[key];
  writeStored(SEEN_KEY, seen, storage);
}

export function seenMap(storage?: Storage): Record<string, string> {
  return readStored<Record<string, string>>(SEEN_KEY, {}, storage);
}

/** Unread: the customer is waiting and something happened since the agent last opened it. */
export function isUnread(
  conversation: { id: string; waitingSince: string | null; lastActivityAt: string },
  seen: Record<string, string>,
): boolean {
  if (!conversation.waitingSince) return false;
  const last = seen[conversation.id];
  return !last || Date.parse(conversation.lastActivityAt) > Date.parse(last);
}
