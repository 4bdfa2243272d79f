import { z } from 'zod';

export const CannedAnswerView = z.object({
  id: z.uuid(),
  shortcut: z.string(),
  title: z.string(),
  body: z
    .string()
    .describe('may contain {{contact.name}}, {{contact.firstName}}, {{agent.name}}, {{conversation.number}}'),
  language: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CannedAnswerView = z.infer<typeof CannedAnswerView>;

const fields = {
  shortcut: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, - and _, up to 40 characters'),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(20_000),
  language: z.enum(['de', 'en']).nullable(),
};

export const CreateCannedAnswerBody = z.object({ ...fields, language: fields.language.default(null) });
export type CreateCannedAnswerBody = z.infer<typeof CreateCannedAnswerBody>;

export const UpdateCannedAnswerBody = z.object(fields).partial().strict();
export type UpdateCannedAnswerBody = z.infer<typeof UpdateCannedAnswerBody>;

export const CannedAnswerListQuery = z.object({
  q: z.string().trim().max(100).optional().describe('shortcut, title or text fragment'),
});

export const CannedAnswerParams = z.object({ id: z.uuid() });
