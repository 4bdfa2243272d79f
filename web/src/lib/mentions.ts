/** The handle a colleague is mentioned by in a note: `@` + the local part of their email (no spaces). */
export function mentionHandle(user: { email: string }): string {
  return user.email.split('@')[0]!.toLowerCase();
}

const HANDLE = /(^|[^\w@.])@([a-z0-9][\w.+-]*[a-z0-9]|[a-z0-9])/gi;

/** The users a text mentions, each once, in order of first mention. */
export function mentionedUsers<T extends { id: string; email: string }>(text: string, users: T[]): T[] {
  const found: T[] = [];
  for (const match of text.matchAll(HANDLE)) {
    const handle = match[2]!.toLowerCase();
    const user = users.find((candidate) => mentionHandle(candidate) === handle);
    if (user && !found.includes(user)) found.push(user);
  }
  return found;
}

/** The `@partial` being typed at the caret, if any, with where it starts. */
export function mentionAtCaret(text: string, caret: number): { query: string; start: number } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([\w.+-]*)$/.exec(before);
  if (!match) return null;
  return { query: match[2]!.toLowerCase(), start: caret - match[2]!.length - 1 };
}

/** The `/shortcut` being typed at the start of a line, if any (canned answers). */
export function shortcutAtCaret(text: string, caret: number): { query: string; start: number } | null {
  const before = text.slice(0, caret);
  const match = /(^|\n)\/([\w-]*)$/.exec(before);
  if (!match) return null;
  return { query: match[2]!.toLowerCase(), start: caret - match[2]!.length - 1 };
}
