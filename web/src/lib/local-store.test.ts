import { describe, expect, it } from 'vitest';
import { isUnread, loadDraft, markSeen, saveDraft, seenMap } from './local-store.ts';

class MemoryStorage implements Storage {
  private values = new Map<string, string>();
  get length() {
    return this.values.size;
  }
  clear() {
    this.values.clear();
  }
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  key(index: number) {
    return [...this.values.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.values.delete(key);
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
}

describe('drafts and unread markers', () => {
  it('keeps a draft per conversation and forgets empty ones', () => {
    const storage = new MemoryStorage();
    saveDraft('c1', { mode: 'note', text: 'halb fertig', updatedAt: 1 }, storage);
    expect(loadDraft('c1', storage)).toMatchObject({ mode: 'note', text: 'halb fertig' });
    expect(loadDraft('c2', storage)).toBeNull();
    saveDraft('c1', { mode: 'note', text: '   ', updatedAt: 2 }, storage);
    expect(loadDraft('c1', storage)).toBeNull();
  });

  it('marks waiting conversations unread until seen at their latest activity', () => {
    const storage = new MemoryStorage();
    const conversation = {
      id: 'c1',
      waitingSince: '2026-01-01T10:00:00Z',
      lastActivityAt: '2026-01-01T10:00:00Z',
    };
    expect(isUnread(conversation, seenMap(storage))).toBe(true);
    markSeen('c1', conversation.lastActivityAt, storage);
    expect(isUnread(conversation, seenMap(storage))).toBe(false);
    expect(isUnread({ ...conversation, lastActivityAt: '2026-01-01T11:00:00Z' }, seenMap(storage))).toBe(
      true,
    );
    expect(isUnread({ ...conversation, waitingSince: null }, {})).toBe(false);
  });
});
