/** Values a canned answer may refer to as {{contact.name}}, {{agent.name}}, … */
export interface TemplateContext {
  contact?: { name?: string | null; email?: string | null; phone?: string | null };
  agent?: { name?: string | null; email?: string | null };
  conversation?: { number?: number | null; subject?: string | null };
}

export const TEMPLATE_VARIABLES = [
  'contact.name',
  'contact.firstName',
  'contact.email',
  'contact.phone',
  'agent.name',
  'agent.firstName',
  'conversation.number',
  'conversation.subject',
] as const;

const firstName = (name: string | null | undefined) => name?.trim().split(/\s+/)[0] ?? '';

function lookup(variable: string, context: TemplateContext): string | undefined {
  switch (variable) {
    case 'contact.name':
      return context.contact?.name ?? '';
    case 'contact.firstName':
      return firstName(context.contact?.name);
    case 'contact.email':
      return context.contact?.email ?? '';
    case 'contact.phone':
      return context.contact?.phone ?? '';
    case 'agent.name':
      return context.agent?.name ?? '';
    case 'agent.firstName':
      return firstName(context.agent?.name);
    case 'conversation.number':
      return context.conversation?.number == null ? '' : String(context.conversation.number);
    case 'conversation.subject':
      return context.conversation?.subject ?? '';
    default:
      return undefined;
  }
}

/**
 * Fills in `{{variable}}` placeholders. A known variable without a value becomes empty (and the space
 * before a now-empty name is tidied, "Hallo {{contact.name}}," → "Hallo,"); an unknown one stays as
 * written so the agent sees it before sending.
 */
export function renderTemplate(body: string, context: TemplateContext): string {
  return body
    .replace(/( ?)\{\{\s*([\w.]+)\s*\}\}/g, (match, space: string, variable: string) => {
      const value = lookup(variable, context);
      if (value === undefined) return match;
      return value ? `${space}${value}` : '';
    })
    .replace(/ +([,.!?])/g, '$1');
}

/** Placeholders in a text that are not known variables (to warn an admin while editing). */
export function unknownVariables(body: string): string[] {
  const unknown = new Set<string>();
  for (const match of body.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(match[1]!)) unknown.add(match[1]!);
  }
  return [...unknown];
}
