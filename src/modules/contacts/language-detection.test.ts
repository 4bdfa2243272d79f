import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language-detection.ts';

describe('language detection', () => {
  it.each([
    ['Hello, where is my order? I have been waiting for two weeks now.', 'en'],
    ['My parcel arrived damaged, can I get a refund please?', 'en'],
    ['Hallo, wo ist meine Bestellung? Ich warte schon seit zwei Wochen.', 'de'],
    ['Das Paket kam leider beschädigt an, bitte um Ersatz.', 'de'],
    ['Bonjour, où est ma commande? Je suis inquiet.', 'fr'],
    ['Hola, ¿dónde está mi pedido? Gracias.', 'es'],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('does not guess on too little text', () => {
    expect(detectLanguage('ok')).toBeUndefined();
    expect(detectLanguage('#4711 https://example.com')).toBeUndefined();
  });
});
