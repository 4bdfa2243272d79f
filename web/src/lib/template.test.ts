import { describe, expect, it } from 'vitest';
import { renderTemplate, unknownVariables } from './template.ts';

describe('canned answer templates', () => {
  const context = {
    contact: { name: 'Anna Schmidt', email: 'anna@example.de', phone: null },
    agent: { name: 'Ada Admin' },
    conversation: { number: 42, subject: 'Bestellung 4711' },
  };

  it('fills in contact, agent and conversation variables', () => {
    expect(
      renderTemplate('Hallo {{contact.firstName}}, zu #{{ conversation.number }}: {{agent.name}}', context),
    ).toBe('Hallo Anna, zu #42: Ada Admin');
    expect(renderTemplate('{{contact.name}} <{{contact.email}}>', context)).toBe(
      'Anna Schmidt <anna@example.de>',
    );
  });

  it('drops empty values without leaving a stray space before punctuation', () => {
    expect(renderTemplate('Hallo {{contact.name}},', { contact: { name: null } })).toBe('Hallo,');
    expect(renderTemplate('Tel: {{contact.phone}}.', context)).toBe('Tel:.');
  });

  it('keeps unknown placeholders visible and reports them', () => {
    expect(renderTemplate('Code {{order.id}}', context)).toBe('Code {{order.id}}');
    expect(unknownVariables('{{contact.name}} {{order.id}} {{ order.id }}')).toEqual(['order.id']);
  });
});
