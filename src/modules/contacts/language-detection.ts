import { franc } from 'franc-min';

// Function words decide short service messages, where trigram statistics (franc) often guess wrong:
// "Hello, where is my order?" is too short for franc but has four unmistakable English words.
const STOPWORDS: Record<string, string[]> = {
  de: 'und ich ist nicht die der das ein eine mein meine meinen wo wie was bitte danke ihr sie wir mit auf für von zu noch schon habe hat bei kann können war wurde hallo guten sehr gerne leider'.split(
    ' ',
  ),
  en: 'and the is not my where how what please thanks thank you we with on for of to have has can could was were hello hi would there this that your order'.split(
    ' ',
  ),
  fr: 'et le la les est pas mon ma mes où comment quoi merci vous nous avec sur pour de des une un bonjour je suis commande'.split(
    ' ',
  ),
  es: 'y el la los las es no mi mis dónde donde cómo qué gracias usted nosotros con para de una un hola estoy pedido por'.split(
    ' ',
  ),
  it: 'e il lo la gli le è non mio mia dove come cosa grazie voi noi con per di una un ciao sono ordine'.split(
    ' ',
  ),
  nl: 'en de het is niet mijn waar hoe wat alstublieft dank jullie wij met op voor van een hallo ik ben bestelling'.split(
    ' ',
  ),
};

/** Each stopword and the languages it belongs to: one lookup per word of a message. */
const LANGUAGES_OF_STOPWORD = new Map<string, string[]>();
for (const [language, words] of Object.entries(STOPWORDS)) {
  for (const word of new Set(words)) {
    const languages = LANGUAGES_OF_STOPWORD.get(word);
    if (languages) languages.push(language);
    else LANGUAGES_OF_STOPWORD.set(word, [language]);
  }
}

const FRANC_TO_ISO: Record<string, string> = {
  deu: 'de',
  eng: 'en',
  fra: 'fr',
  spa: 'es',
  ita: 'it',
  nld: 'nl',
};

/** The language of a customer's text (ISO 639-1), or undefined when it is too short or unclear. */
export function detectLanguage(text: string): string | undefined {
  const sample = text
    .slice(0, 4000)
    .replace(/https?:\/\/\S+|[^\s@]+@\S+|[\d#]+/g, ' ')
    .toLowerCase();
  const words = sample.match(/\p{L}+/gu) ?? [];
  if (words.length < 3) return undefined;
  const counts = new Map<string, number>();
  for (const word of words) {
    for (const language of LANGUAGES_OF_STOPWORD.get(word) ?? [])
      counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  const scores = Object.keys(STOPWORDS)
    .map((language) => [language, counts.get(language) ?? 0] as const)
    .sort((left, right) => right[1] - left[1]);
  const [best, second] = scores;
  if (best && best[1] >= 2 && best[1] >= (second?.[1] ?? 0) * 2) return best[0];
  if (sample.length < 60) return undefined;
  return FRANC_TO_ISO[franc(sample, { only: Object.keys(FRANC_TO_ISO), minLength: 60 })];
}
