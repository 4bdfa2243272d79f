/** Demo people and the phrases that fit any conversation. */
import type { Language } from './demo-corpus.ts';

export type OriginKey = 'de' | 'at' | 'ch' | 'en';

export interface Origin {
  key: OriginKey;
  weight: number;
  language: Language;
  firstNames: string[];
  lastNames: string[];
  cities: string[];
  mailDomains: string[];
}

const list = (text: string) => text.split(', ');

// Mail domains under the reserved .example TLD: demo addresses can never reach a real person.
export const ORIGINS: Origin[] = [
  {
    key: 'de',
    weight: 62,
    language: 'de',
    firstNames: list(
      'Anna, Lukas, Julia, Maximilian, Laura, Felix, Sophie, Jonas, Lea, Paul, Marie, Leon, Hannah, Tim, Katharina, Niklas, Sabine, Thomas, Petra, Michael, Ursula, Stefan, Emre, Elif, Mehmet, Agnieszka, Piotr, Olga, Giulia, Marco, Fatma, Mia, Ben, Clara, Moritz, Heike, Jürgen, Renate, Klaus, Nele',
    ),
    lastNames: list(
      'Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Koch, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger, Hartmann, Lange, Werner, Krause, Lehmann, Köhler, Yılmaz, Kaya, Nowak, Kowalski, Öztürk, Popović, Rossi, Jansen, Petersen',
    ),
    cities: list(
      'Berlin, Hamburg, München, Köln, Frankfurt am Main, Stuttgart, Düsseldorf, Leipzig, Dresden, Hannover, Nürnberg, Bremen, Freiburg, Münster, Rostock',
    ),
    mailDomains: list('gmx.example, webmail.example, t-online.example, posteo.example, freenet.example'),
  },
  {
    key: 'at',
    weight: 10,
    language: 'de',
    firstNames: list(
      'Florian, Katharina, Lukas, Magdalena, Sebastian, Theresa, Johannes, Valentina, Andreas',
    ),
    lastNames: list('Gruber, Huber, Bauer, Pichler, Steiner, Moser, Mayer, Hofer, Leitner, Eder'),
    cities: list('Wien, Graz, Linz, Salzburg, Innsbruck, Klagenfurt'),
    mailDomains: list('gmx.example, aon.example, a1.example'),
  },
  {
    key: 'ch',
    weight: 8,
    language: 'de',
    firstNames: list('Luca, Noah, Lara, Nina, Reto, Urs, Corinne, Seraina, Beat'),
    lastNames: list('Meier, Keller, Brunner, Baumann, Frei, Zürcher, Gerber, Widmer, Schmid'),
    cities: list('Zürich, Basel, Bern, Luzern, St. Gallen, Winterthur'),
    mailDomains: list('bluewin.example, gmx.example, sunrise.example'),
  },
  {
    key: 'en',
    weight: 20,
    language: 'en',
    firstNames: list(
      'Emily, James, Olivia, Jack, Sophie, Harry, Charlotte, Oliver, Grace, Daniel, Chloe, Ryan, Priya, Arjun, Sean, Aoife',
    ),
    lastNames: list(
      "Smith, Jones, Taylor, Brown, Williams, Wilson, Davies, Evans, Murphy, O'Brien, Patel, Khan, Walsh, Clarke, Hughes",
    ),
    cities: list('Berlin, München, Hamburg, London, Dublin, Manchester'),
    mailDomains: list('mail.example, outlook.example, icloud.example'),
  },
];

/** Phrases that fit any topic. */
export const PHRASES: Record<
  Language,
  {
    mailGreetings: string[];
    mailSignoffs: string[];
    followUps: string[];
    thanks: string[];
    updates: string[];
    closings: string[];
    supervisorNotes: string[];
    snoozeNotes: string[];
    replyGreeting: (firstName: string | null) => string;
    replySignoff: (agent: string) => string;
  }
> = {
  de: {
    mailGreetings: ['Hallo,', 'Guten Tag,', 'Sehr geehrte Damen und Herren,', 'Hallo zusammen,', 'Moin,'],
    mailSignoffs: [
      'Viele Grüße\n{name}',
      'Mit freundlichen Grüßen\n{name}',
      'LG {first}',
      'Danke und Gruß\n{first}',
    ],
    followUps: [
      'Gibt es schon etwas Neues?',
      'Hallo? Ich warte immer noch auf eine Antwort.',
      'Kurze Nachfrage: Wie ist der Stand?',
    ],
    thanks: [
      'Super, vielen Dank für die schnelle Hilfe!',
      'Danke, hat geklappt.',
      'Alles klar, danke!',
      'Perfekt, dann warte ich ab. Danke!',
    ],
    updates: [
      'danke für Ihre Geduld. Ich habe noch einmal nachgehakt und melde mich spätestens morgen mit einer Lösung.',
      'ich habe Ihr Anliegen an die zuständige Fachabteilung gegeben, die sich direkt bei Ihnen meldet.',
      'ich habe das eben für Sie erledigt. Sie sollten in Kürze eine Bestätigung per E-Mail bekommen.',
    ],
    closings: [
      'gern geschehen! Wenn noch etwas ist, melden Sie sich einfach.',
      'sehr gern – dann schließe ich die Anfrage. Einen schönen Tag noch!',
    ],
    supervisorNotes: [
      'Bitte heute noch beantworten, Kunde wartet schon länger.',
      'Stammkunde – bitte großzügig behandeln.',
    ],
    snoozeNotes: [
      'Wiedervorlage, sobald die Rückmeldung vom Lager da ist.',
      'Wiedervorlage in drei Tagen, Rückmeldung der Fachabteilung abwarten.',
    ],
    replyGreeting: (firstName) => (firstName ? `Hallo ${firstName},` : 'Guten Tag,'),
    replySignoff: (agent) => `Viele Grüße\n${agent}\nIhr Kundenservice`,
  },
  en: {
    mailGreetings: ['Hello,', 'Hi,', 'Dear customer service,', 'Hi there,'],
    mailSignoffs: ['Best regards,\n{name}', 'Thanks,\n{first}', 'Cheers,\n{first}', 'Kind regards,\n{name}'],
    followUps: [
      'Any update on this?',
      'Hello? Still waiting for an answer.',
      'Just checking in – what is the status?',
    ],
    thanks: ['Great, thanks for the quick help!', 'Thanks, that worked.', 'Perfect, thank you!'],
    updates: [
      "thanks for your patience. I've chased this up again and will get back to you with a solution by tomorrow.",
      "I've passed your request to the responsible team, who will contact you directly.",
      "I've just taken care of it for you. You should receive a confirmation email shortly.",
    ],
    closings: [
      "you're welcome! If there's anything else, just let us know.",
      'glad I could help – have a great day!',
    ],
    supervisorNotes: [
      'Please answer today, the customer has been waiting a while.',
      'Long-standing customer – be generous.',
    ],
    snoozeNotes: [
      'Waiting for the warehouse to get back to us.',
      'Follow up in three days once the specialist team has replied.',
    ],
    replyGreeting: (firstName) => (firstName ? `Hi ${firstName},` : 'Hello,'),
    replySignoff: (agent) => `Best regards,\n${agent}\nCustomer Service`,
  },
};

/** German products are all feminine or neuter, so one form fits both subject and object. */
export const PRODUCTS: [de: string, en: string][] = [
  ['die Kaffeemaschine Barista Pro', 'the Barista Pro coffee machine'],
  ['das Trekkingzelt Alpin 2', 'the Alpin 2 trekking tent'],
  ['die Bluetooth-Box SoundFlow', 'the SoundFlow Bluetooth speaker'],
  ['die Akku-Bohrmaschine TX18', 'the TX18 cordless drill'],
  ['die Daunenjacke Nordkap', 'the Nordkap down jacket'],
  ['die Smartwatch Pulse 3', 'the Pulse 3 smartwatch'],
  ['die Laufjacke Strada', 'the Strada running jacket'],
  ['das Bettwäsche-Set Leinen', 'the linen bedding set'],
  ['die Küchenmaschine VitaBlend', 'the VitaBlend food processor'],
  ['das Kinderfahrrad Flitzer 16', "the Flitzer 16 kids' bike"],
];

export const CARRIERS = ['DHL', 'DPD', 'Hermes', 'GLS'];
