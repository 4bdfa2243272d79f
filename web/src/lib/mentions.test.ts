import { describe, expect, it } from 'vitest';
import { mentionAtCaret, mentionedUsers, mentionHandle, shortcutAtCaret } from './mentions.ts';

const ada = { id: '1', email: 'Ada.Admin@example.de' };
const bob = { id: '2', email: 'bob@example.de' };

describe('mentions', () => {
  it('finds mentioned colleagues by handle, ignoring emails and unknown handles', () => {
    expect(mentionHandle(ada)).toBe('ada.admin');
    expect(mentionedUsers('@ada.admin bitte prüfen, @bob auch. @bob!', [ada, bob])).toEqual([ada, bob]);
    expect(mentionedUsers('schreib an kunde@bob.de oder @carol', [ada, bob])).toEqual([]);
    expect(mentionedUsers('(@Bob) ok', [ada, bob])).toEqual([bob]);
  });

  it('recognises a mention or shortcut being typed', () => {
    expect(mentionAtCaret('Hallo @ad', 9)).toEqual({ query: 'ad', start: 6 });
    expect(mentionAtCaret('mail@ad', 7)).toBeNull();
    expect(shortcutAtCaret('/ship', 5)).toEqual({ query: 'ship', start: 0 });
    expect(shortcutAtCaret('Hallo\n/', 7)).toEqual({ query: '', start: 6 });
    expect(shortcutAtCaret('a/b', 3)).toBeNull();
  });
});
