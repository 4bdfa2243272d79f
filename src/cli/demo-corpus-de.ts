/** German demo conversations: what customers ask and what fits as an answer. */
import type { Script, TopicKey } from './demo-corpus.ts';

export const GERMAN: Record<TopicKey, Script> = {
  'order-status': {
    notes: [
      'Lager meldet: Artikel kommt erst Donnerstag wieder rein.',
      'Bestellung hing in der Zahlungsprüfung, manuell freigegeben.',
    ],
    cases: [
      {
        subject: 'Wo bleibt meine Bestellung {order}?',
        customer:
          'ich habe am Montag die Bestellung {order} aufgegeben und noch keine Versandbestätigung bekommen. Wann geht das Paket raus?',
        agent:
          'danke für Ihre Nachricht. Ihre Bestellung {order} wurde heute an {carrier} übergeben, die Sendungsnummer lautet {tracking}. Die Zustellung dauert meist 1–2 Werktage.',
        followUp: 'Gibt es inzwischen etwas Neues zu {order}?',
      },
      {
        subject: 'Bestellung {order} hängt „in Bearbeitung“',
        customer:
          'im Kundenkonto steht bei {order} seit drei Tagen „in Bearbeitung“. Ist da etwas schiefgelaufen? Ich brauche {product} bis zum Wochenende.',
        agent:
          'ich habe nachgesehen: {product} war kurzzeitig nicht vorrätig, ist aber wieder im Lager. Ihre Bestellung {order} geht morgen raus, die Versandbestätigung kommt automatisch.',
      },
    ],
  },
  'delivery-delay': {
    notes: [
      'Nachforschungsauftrag bei {carrier} gestellt, Wiedervorlage in 5 Tagen.',
      'Dritte verspätete Lieferung für diese Kundschaft – Gutschein anbieten?',
    ],
    cases: [
      {
        subject: 'Paket kommt nicht an',
        customer:
          'laut Sendungsverfolgung sollte mein Paket ({tracking}) schon vorgestern kommen, seitdem tut sich nichts. Was kann ich tun?',
        agent:
          'das tut mir leid. Ich habe bei {carrier} einen Nachforschungsauftrag für {tracking} gestellt. Ist das Paket bis Freitag nicht da, schicken wir kostenlos Ersatz.',
        followUp: 'Das Paket ist immer noch nicht da. Wie geht es jetzt weiter?',
      },
      {
        subject: 'Nicht angetroffen? Ich war zu Hause!',
        customer:
          'angeblich wurde ich nicht angetroffen, ich war aber den ganzen Tag zu Hause und habe keine Karte im Briefkasten. Sendungsnummer {tracking}.',
        agent:
          'laut {carrier} liegt Ihr Paket in der Filiale zur Abholung bereit. Bitte nehmen Sie Ihren Ausweis und die Sendungsnummer {tracking} mit, die Lagerfrist beträgt 7 Tage.',
      },
      {
        subject: 'Lieferung {order} {days} Tage überfällig',
        customer:
          'die Lieferung zu {order} ist jetzt {days} Tage überfällig. Langsam brauche ich die Sachen wirklich.',
        agent:
          'bei {carrier} gab es in Ihrer Region Verzögerungen wegen des hohen Sendungsaufkommens. Die Sendung ist wieder unterwegs und soll morgen ankommen.',
        followUp: 'Heute kam wieder nichts. Langsam reicht es mir.',
      },
    ],
  },
  damaged: {
    notes: [
      'Transportschaden an die Versandversicherung gemeldet.',
      'Im Garantiezeitraum, Austausch freigegeben.',
    ],
    cases: [
      {
        subject: 'Ware beschädigt angekommen',
        customer:
          '{product} aus Bestellung {order} ist heute angekommen, aber der Karton war eingedrückt und der Inhalt ist beschädigt. Fotos kann ich gerne schicken.',
        agent:
          'das ist ärgerlich, bitte entschuldigen Sie. Wir schicken umgehend Ersatz. Den beschädigten Artikel senden Sie mit dem beigelegten Retourenschein kostenlos zurück.',
        followUp: 'Ich habe Ihnen die Fotos geschickt. Wann kommt der Ersatz?',
      },
      {
        subject: 'Defekt nach zwei Wochen',
        customer: '{product} ist nach zwei Wochen schon kaputt. Ist das ein bekanntes Problem?',
        agent:
          'das sollte natürlich nicht passieren. Das ist ein Garantiefall: Ich habe Ihnen ein Retourenlabel geschickt, nach Eingang bekommen Sie sofort ein neues Gerät.',
      },
      {
        subject: 'Zubehör fehlt',
        customer: 'in meinem Paket fehlt etwas – {product} kam ohne das mitbestellte Zubehör.',
        agent: 'das fehlende Zubehör geht heute noch an Sie raus – Sie müssen dafür nichts zurückschicken.',
      },
    ],
  },
  return: {
    notes: [
      'Retourenlabel manuell neu erzeugt und per Mail verschickt.',
      'Retoure eingegangen, Ware einwandfrei.',
    ],
    cases: [
      {
        subject: 'Rücksendung {order}',
        customer:
          'ich möchte {product} aus Bestellung {order} zurückschicken, es gefällt mir leider nicht. Wie funktioniert das?',
        agent:
          'kein Problem! Sie können innerhalb von 30 Tagen kostenlos zurücksenden. Das Retourenlabel finden Sie im Kundenkonto unter „Meine Bestellungen“ → {order} → „Artikel zurücksenden“.',
        followUp: 'Das Retourenlabel funktioniert bei mir nicht, der Link zeigt einen Fehler.',
      },
      {
        subject: 'Umtausch statt Rücksendung?',
        customer:
          'kann ich den Artikel aus {order} in einer Nummer größer umtauschen, statt ihn zurückzuschicken?',
        agent:
          'ein Umtausch ist möglich: Schicken Sie den Artikel mit dem Vermerk „Umtausch“ und der gewünschten Größe zurück, wir versenden sofort nach Eingang.',
      },
    ],
  },
  refund: {
    notes: ['Erstattung in der Buchhaltung angestoßen.', 'Nicht erstatten, bevor die Retoure geprüft ist.'],
    cases: [
      {
        subject: 'Erstattung noch nicht erhalten',
        customer:
          'meine Retoure zu {order} ist laut Sendungsverfolgung seit zwei Wochen bei Ihnen, die {amount} habe ich aber immer noch nicht zurück.',
        agent:
          'Ihre Rücksendung ist eingegangen und geprüft. Die Erstattung über {amount} ist veranlasst und sollte in 3–5 Werktagen auf Ihrem Konto sein.',
        followUp: 'Auf meinem Konto ist noch nichts angekommen.',
      },
    ],
  },
  invoice: {
    notes: [
      'Korrekturrechnung erstellt, alte Rechnung storniert.',
      'Rechnungen künftig mit Kostenstelle – im Konto hinterlegt.',
    ],
    cases: [
      {
        subject: 'Rechnung zu {order}',
        customer:
          'könnten Sie mir bitte die Rechnung zu {order} noch einmal schicken? Ich finde sie nicht mehr.',
        agent:
          'gerne! Alle Rechnungen finden Sie auch im Kundenkonto unter „Meine Bestellungen“. Ich habe Ihnen die Rechnung {invoice} zusätzlich per E-Mail geschickt.',
      },
      {
        subject: 'Rechnung {invoice} ohne USt-IdNr.',
        customer:
          'auf der Rechnung {invoice} fehlt unsere USt-IdNr. Wir brauchen für die Buchhaltung eine korrigierte Rechnung.',
        agent:
          'ich habe die Rechnung {invoice} storniert und eine korrigierte mit Ihrer USt-IdNr. erstellt. Sie kommt in den nächsten Minuten per E-Mail.',
        followUp: 'Die korrigierte Rechnung ist noch nicht bei mir angekommen.',
      },
      {
        subject: 'Betrag auf Rechnung {invoice} falsch?',
        customer:
          'die Rechnung {invoice} weist {amount} aus, bezahlt habe ich wegen des Gutscheins aber weniger. Was stimmt denn jetzt?',
        agent:
          'der Gutschein steht auf der Rechnung als eigene Position, der Endbetrag ist also korrekt. Ich schicke Ihnen gern eine Aufstellung.',
      },
    ],
  },
  payment: {
    notes: ['Zahlungsanbieter bestätigt: nur Autorisierung, keine Buchung.'],
    cases: [
      {
        subject: 'Doppelte Abbuchung',
        customer: 'mir wurden für die Bestellung {order} zweimal {amount} abgebucht!',
        agent:
          'die zweite Buchung ist nur eine Vormerkung Ihrer Bank und verfällt automatisch in 5–7 Tagen. Belastet werden nur einmal {amount}.',
        followUp: 'Die Abbuchung steht immer noch doppelt auf meinem Kontoauszug.',
      },
      {
        subject: 'Zahlung fehlgeschlagen',
        customer:
          'beim Bezahlen mit Kreditkarte kommt immer „Zahlung abgelehnt“, obwohl die Karte funktioniert. Was kann ich tun?',
        agent:
          'die Zahlung ist an der 3-D-Secure-Bestätigung gescheitert. Bitte versuchen Sie es erneut und bestätigen Sie die Zahlung in Ihrer Banking-App.',
      },
      {
        subject: 'Kauf auf Rechnung',
        customer: 'kann ich auch auf Rechnung bezahlen? Die Option wird mir nicht angezeigt.',
        agent:
          'der Kauf auf Rechnung steht nach einer automatischen Bonitätsprüfung zur Verfügung. Alternativ können Sie per PayPal oder Vorkasse bezahlen.',
      },
    ],
  },
  login: {
    notes: [
      'Mails an t-online kamen gestern verzögert an – IT ist informiert.',
      'Identität über Bestellnummer und Adresse geprüft.',
    ],
    cases: [
      {
        subject: 'Passwort zurücksetzen klappt nicht',
        customer:
          'ich habe mein Passwort vergessen und bekomme keine E-Mail zum Zurücksetzen. Im Spam-Ordner ist auch nichts.',
        agent:
          'ich habe Ihnen gerade einen neuen Link geschickt, er ist 60 Minuten gültig. Kommt er wieder nicht an, haben Sie sich vielleicht mit einer anderen E-Mail-Adresse registriert.',
        followUp: 'Der Link war leider schon abgelaufen, als ich ihn geöffnet habe.',
      },
      {
        subject: 'Ständig ausgeloggt',
        customer:
          'seit dem letzten Update der App werde ich ständig ausgeloggt und kann mich nicht mehr anmelden.',
        agent:
          'das Problem ist bekannt und mit Version 4.2.1 der App behoben. Bitte aktualisieren Sie die App im Store.',
      },
      {
        subject: 'Konto gesperrt',
        customer: 'mein Konto ist nach zu vielen Anmeldeversuchen gesperrt. Wie entsperre ich es?',
        agent:
          'Ihr Konto ist wieder entsperrt. Aus Sicherheitsgründen empfehlen wir, das Passwort direkt zu ändern.',
      },
    ],
  },
  'product-question': {
    notes: ['Frage an den Einkauf weitergeleitet – Liefertermin noch offen.'],
    cases: [
      {
        subject: 'Verfügbarkeit: {productName}',
        customer: 'ist {product} gerade vorrätig? Online steht „bald wieder verfügbar“.',
        agent:
          '{product} ist ab nächster Woche wieder lieferbar. Wenn Sie möchten, setze ich Sie auf die Benachrichtigungsliste.',
        followUp: 'Ja, bitte auf die Liste setzen. Gilt dann noch der jetzige Preis?',
      },
      {
        subject: 'Zubehör für {productName}',
        customer: 'gibt es für {product} passendes Zubehör oder Ersatzteile?',
        agent:
          'Zubehör und Ersatzteile finden Sie auf der Produktseite unter „Passendes Zubehör“. Die Herstellergarantie beträgt 2 Jahre.',
      },
      {
        subject: 'Geschenkverpackung',
        customer: 'ich möchte {product} verschenken. Kann man eine Geschenkverpackung dazubestellen?',
        agent:
          'eine Geschenkverpackung können Sie im Warenkorb für 3,90 € dazubuchen, auf Wunsch auch mit Grußkarte.',
      },
    ],
  },
  complaint: {
    notes: [
      'Eskalation an die Teamleitung – Kundschaft kündigt negative Bewertung an.',
      'Kulanz bis 25 € ist freigegeben.',
    ],
    cases: [
      {
        subject: 'Beschwerde: keine Antwort',
        customer:
          'ich warte seit über einer Woche auf eine Antwort auf meine letzte Mail. So einen Service habe ich selten erlebt.',
        agent:
          'es tut mir aufrichtig leid, dass Sie so lange warten mussten. Ich kümmere mich ab jetzt persönlich darum und habe Ihnen einen Gutschein über 15 € im Kundenkonto hinterlegt.',
        followUp: 'Ich erwarte, dass das nicht noch einmal vorkommt.',
      },
      {
        subject: 'Schon wieder falsch geliefert',
        customer:
          'das ist jetzt das dritte Mal, dass meine Bestellung falsch geliefert wird. Ich überlege ernsthaft, woanders zu bestellen.',
        agent:
          'Sie haben völlig recht, das hätte nicht passieren dürfen. Ich habe den Vorfall an die Versandleitung gegeben und schicke Ihnen die richtige Ware per Express.',
      },
    ],
  },
  'change-order': {
    notes: ['Änderung im Lagersystem nachgetragen.'],
    cases: [
      {
        subject: 'Lieferadresse ändern',
        customer:
          'ich habe mich bei der Lieferadresse vertippt (Hausnummer 12 statt 21). Können Sie das bei {order} noch ändern?',
        agent:
          'ich konnte die Adresse noch korrigieren, bevor das Paket das Lager verlassen hat. Es geht heute an die richtige Adresse raus.',
        followUp: 'Hat die Änderung geklappt?',
      },
      {
        subject: 'Bestellung {order} stornieren',
        customer:
          'bitte stornieren Sie meine Bestellung {order}, ich habe {product} versehentlich doppelt bestellt.',
        agent:
          'Ihre Bestellung {order} ist storniert. Die {amount} erhalten Sie in den nächsten Tagen zurück.',
      },
    ],
  },
  voucher: {
    notes: ['Kulanzcode KULANZ15 angelegt, einmalig gültig.'],
    cases: [
      {
        subject: 'Gutscheincode funktioniert nicht',
        customer: 'der Gutscheincode SOMMER15 aus dem Newsletter wird im Warenkorb als ungültig angezeigt.',
        agent:
          'SOMMER15 gilt ab 50 € Bestellwert und nicht für reduzierte Artikel. Ich habe Ihnen stattdessen einen persönlichen Code angelegt: KULANZ15.',
        followUp: 'Und wie löse ich den neuen Code ein?',
      },
      {
        subject: 'Rabatt nachträglich anrechnen?',
        customer:
          'nach meiner Bestellung {order} habe ich gesehen, dass es gerade 20 % Rabatt gibt. Kann der nachträglich angerechnet werden?',
        agent:
          'ausnahmsweise rechnen wir den Rabatt nachträglich an – die Differenz von {amount} erstatten wir auf Ihr Zahlungsmittel.',
      },
    ],
  },
};
