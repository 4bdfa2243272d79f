import type { CannedAnswerView } from './canned-answers.schema.ts';
import type { cannedAnswers } from './canned-answers.tables.ts';

export type CannedAnswerRow = typeof cannedAnswers.$inferSelect;

export function presentCannedAnswer(answer: CannedAnswerRow): CannedAnswerView {
  return {
    id: answer.id,
    shortcut: answer.shortcut,
    title: answer.title,
    body: answer.body,
    language: answer.language,
    createdAt: answer.createdAt.toISOString(),
    updatedAt: answer.updatedAt.toISOString(),
  };
}
