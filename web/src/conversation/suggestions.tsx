import { useTranslation } from 'react-i18next';
import type { CannedAnswer, User } from '../api/types.ts';
import { mentionHandle } from '../lib/mentions.ts';

export type Suggestion = { kind: 'canned'; answer: CannedAnswer } | { kind: 'mention'; user: User };

export function suggestionKey(suggestion: Suggestion): string {
  return suggestion.kind === 'canned' ? `canned-${suggestion.answer.id}` : `user-${suggestion.user.id}`;
}

/** The `/` canned-answer and `@` colleague pickers under the composer's text field. */
export function SuggestionList({
  id,
  suggestions,
  activeIndex,
  query,
  kind,
  onPick,
}: {
  id: string;
  suggestions: Suggestion[];
  activeIndex: number;
  query: string;
  kind: 'canned' | 'mention';
  onPick: (suggestion: Suggestion) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="suggestions">
      <p className="suggestions-title" id={`${id}-title`}>
        {kind === 'canned' ? t('composer.cannedAnswers') : t('composer.mentionColleague')}
      </p>
      {suggestions.length === 0 ? (
        <p className="suggestions-empty">
          {kind === 'canned' ? t('composer.noCanned', { q: query }) : t('app.nothingHere')}
        </p>
      ) : (
        <div id={id} role="listbox" aria-labelledby={`${id}-title`} className="suggestion-options">
          {suggestions.map((suggestion, index) => (
            <div
              key={suggestionKey(suggestion)}
              id={`${id}-${index}`}
              role="option"
              tabIndex={-1}
              aria-selected={index === activeIndex}
              className={index === activeIndex ? 'is-active' : undefined}
              onMouseDown={(event) => {
                event.preventDefault();
                onPick(suggestion);
              }}
            >
              {suggestion.kind === 'canned' ? (
                <>
                  <code>/{suggestion.answer.shortcut}</code> <strong>{suggestion.answer.title}</strong>
                  <span className="suggestion-preview">{suggestion.answer.body.slice(0, 90)}</span>
                </>
              ) : (
                <>
                  <strong>{suggestion.user.name}</strong> <code>@{mentionHandle(suggestion.user)}</code>
                </>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
