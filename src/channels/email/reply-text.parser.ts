/** The new text of a reply, separated from the history it quotes and the sender's signature. */
export interface SplitReply {
  /** What the customer just wrote. */
  text: string;
  /** Quoted history (everything from the first quote marker on), if any. */
  quoted?: string;
  signature?: string;
}

/** Words of a quote separator such as `-----Original Message-----` or `-----Ursprüngliche Nachricht-----`. */
const QUOTE_SEPARATOR =
  /^-{2,}\s*(original message|original-nachricht|originalnachricht|ursprüngliche nachricht|message d'origine|oprindelig besked|ursprungligt meddelande|opprinnelig melding|alkuperäinen viesti|mensaje original|messaggio originale|oorspronkelijk bericht|wiadomość oryginalna|исходное сообщение)\s*-{2,}$/i;
/** Forwarded mail is new information for the agent, not history: never cut. */
const FORWARD_SEPARATOR =
  /^-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)/i;
const FROM_LINE = /^\*?(from|von|de|van|da|fra|från|od|от|lähettäjä|feladó)\s?\*?\s?:/i;
const HEADER_LINE =
  /^\*?(from|von|de|van|da|fra|från|od|от|sent|gesendet|date|datum|dato|envoyé( le)?|verzonden|inviato|enviado|wysłano|to|an|à|aan|a|til|till|do|subject|betreff|objet|onderwerp|oggetto|asunto|emne|ämne|temat|cc|kopie|copie à)\s?\*?\s?:/i;
/** Verbs that end an attribution line ("On … wrote:", "Am … schrieb …:", "Le … a écrit :"). */
const ATTRIBUTION_VERB =
  /(?:^|[\s"'”)>])(wrote|writes|schrieb|geschrieben|a écrit|ha scritto|schreef|escreveu|escribió|napisał(a|\(a\))?|написал(а)?|skrev|kirjoitti|írta)(?=[\s:]|$)[^\n]{0,120}$/iu;
const GERMAN_ATTRIBUTION = /^am\b.{0,200}\bschrieb\b/i;
const ZOHO_ATTRIBUTION = /^-{2,}\s*on\b.*\bwrote\s*-{2,}$/i;
const ADDRESS_AND_TIME_ATTRIBUTION = /<[^<>\s]+@[^<>\s]+>\s*\)?\s*:$/;
const MOBILE_SIGNATURE =
  /^(sent from (my )?|sent with |get outlook for |gesendet von |gesendet mit |von meinem .* gesendet|von outlook für \S+ gesendet|holen sie sich outlook für |envoyé (de|depuis|à partir de) |enviado desde |inviato da |verzonden met )/i;
const SIGNATURE_DELIMITER = /^(--\s?|__)$/;
const SEPARATOR_LINE = /^\s*(={3,}|_{3,}|-{3,}|\*{3,})\s*$/;

/** "Sent from my iPhone", but not "Sent from my desk, is much easier." */
const isMobileSignature = (line: string) =>
  MOBILE_SIGNATURE.test(line) && line.length <= 80 && !/,\s/.test(line) && !line.endsWith('.');
const isQuoted = (line: string) => /^\s*>/.test(line);
const isBlank = (line: string | undefined) => line === undefined || line.trim() === '';

/** An attribution header spanning at most four consecutive lines, starting at `index`; returns its length. */
function attributionAt(lines: string[], index: number): number {
  const first = lines[index]!.trim();
  if (ZOHO_ATTRIBUTION.test(first)) return 1;
  if (!/\d/.test(first) && !/^(on|am|le|il|op|em|el)\b/i.test(first)) return 0;
  let joined = '';
  for (let length = 1; length <= 4 && index + length - 1 < lines.length; length++) {
    const line = lines[index + length - 1]!;
    // ">:" closes an address that wrapped (`<a@b.example\n>:`), it is not a quoted line.
    if (isBlank(line) || (length > 1 && isQuoted(line) && !/^>:\s*$/.test(line))) return 0;
    joined = `${joined} ${line.replace(/^\s*>\s?/, '').trim()}`.trim();
    if (joined.length > 400) return 0;
    if (!/\d/.test(joined)) continue;
    const endsLikeHeader = /:\s*$/.test(joined);
    if (ATTRIBUTION_VERB.test(joined) && (endsLikeHeader || /^on\b/i.test(joined))) return length;
    if (GERMAN_ATTRIBUTION.test(joined) && endsLikeHeader) return length;
    if (endsLikeHeader && ADDRESS_AND_TIME_ATTRIBUTION.test(joined) && /\d{1,2}[:.]\d{2}/.test(joined)) {
      return length;
    }
  }
  return 0;
}

/** A block of forwarded-mail headers (`From:`/`Von:` plus `Sent:`/`Gesendet:`/`To:`/`Subject:` …) at `index`. */
function headerBlockAt(lines: string[], index: number): boolean {
  const first = lines[index]!.trim();
  if (!HEADER_LINE.test(first)) return false;
  let headers = 1;
  let sawFrom = FROM_LINE.test(first);
  let continuation = 0;
  for (let next = index + 1; next < lines.length && next <= index + 8; next++) {
    const line = lines[next]!.trim();
    if (line === '') break;
    if (HEADER_LINE.test(line)) {
      headers++;
      sawFrom ||= FROM_LINE.test(line);
      continuation = 0;
    } else if (++continuation > 1) break;
  }
  return sawFrom && headers >= 2;
}

/** Where quoted history starts at `index`, extended upwards over separators and stray header lines. */
function quoteStartAt(lines: string[], index: number): number | undefined {
  const line = lines[index]!.trim();
  if (FORWARD_SEPARATOR.test(line)) return undefined;
  let start: number | undefined;
  if (QUOTE_SEPARATOR.test(line) || headerBlockAt(lines, index)) start = index;
  else if (
    /^_{10,}$/.test(line) &&
    lines.slice(index + 1, index + 3).some((next) => FROM_LINE.test(next.trim()))
  )
    start = index;
  if (start === undefined) return undefined;
  // "Message du : …" above "De : …", "====" or "-----" lines: part of the same header.
  let cursor = start - 1;
  while (cursor > 0) {
    const above = lines[cursor]!.trim();
    if (above === '' && cursor - 1 >= 0 && SEPARATOR_LINE.test(lines[cursor - 1]!)) cursor--;
    else if (SEPARATOR_LINE.test(above) || (above !== '' && /^[\p{L} ]{2,25}\s?:\s?\S/u.test(above))) {
      start = cursor;
      cursor--;
    } else break;
  }
  return start;
}

/**
 * After an attribution, is the rest of the message only the quoted block (plus blank lines, a signature
 * or more history)? Then it is a top-post. If the customer answered between quoted lines, it is an
 * inline reply and nothing may be cut, or their answers would be hidden.
 */
function onlyHistoryFollows(lines: string[], from: number): boolean {
  for (let index = from; index < lines.length; index++) {
    const line = lines[index]!;
    if (isBlank(line) || isQuoted(line)) continue;
    // A line wrapped inside a quoted block (the next line is quoted again, no blank line between).
    if (isQuoted(lines[index - 1] ?? '') && isQuoted(lines[index + 1] ?? '')) continue;
    if (SIGNATURE_DELIMITER.test(line.trimEnd())) return true;
    if (attributionAt(lines, index) > 0 || quoteStartAt(lines, index) !== undefined) return true;
    return false;
  }
  return true;
}

function join(lines: string[]): string {
  return lines
    .join('\n')
    .replace(/^\s*\n/, '')
    .trimEnd();
}

/**
 * Splits a plain-text mail body into the new text, the quoted history and the signature. Knows the
 * attribution lines of common clients in English and German (and several other languages), Outlook
 * header blocks ("Von:/Gesendet:/An:/Betreff:"), "-----Original Message-----" separators, "> " quoting
 * and "-- " signatures. Inline replies and forwarded mail are left whole.
 */
export function splitReply(body: string, options: { forwarded?: boolean } = {}): SplitReply {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  // A forwarded mail's "history" is what the agent needs to read.
  if (options.forwarded) return { text: body.trimEnd() };
  let quoteStart: number | undefined;
  let signatureStart: number | undefined;
  let mobileSignature = false;

  for (let index = 0; index < lines.length && quoteStart === undefined; index++) {
    const line = lines[index]!;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (isQuoted(line)) {
      if (onlyHistoryFollows(lines, index)) quoteStart = index;
      else break;
      continue;
    }
    if (FORWARD_SEPARATOR.test(trimmed)) break;
    if (signatureStart === undefined && isMobileSignature(trimmed)) {
      signatureStart = index;
      mobileSignature = true;
      continue;
    }
    const attribution = attributionAt(lines, index);
    if (attribution > 0) {
      // Unquoted text after an attribution is the original itself (Outlook, Gmail mobile); quoted text
      // may be interleaved with answers, which must stay visible.
      const next = lines.slice(index + attribution).find((candidate) => !isBlank(candidate));
      if (!next || !isQuoted(next) || onlyHistoryFollows(lines, index + attribution)) quoteStart = index;
      else break;
      continue;
    }
    const separated = quoteStartAt(lines, index);
    if (separated !== undefined) {
      quoteStart = Math.max(separated, signatureStart ?? 0);
      continue;
    }
    if (signatureStart !== undefined) continue;
    if (SIGNATURE_DELIMITER.test(line.trimEnd())) signatureStart = index;
  }

  // "Sent from my iPhone" ends what the customer wrote; what follows it is the quoted original.
  if (mobileSignature && signatureStart !== undefined && quoteStart === undefined) {
    const rest = lines.slice(signatureStart + 1);
    if (rest.some((line) => !isBlank(line))) quoteStart = signatureStart + 1;
  }
  const end = Math.min(signatureStart ?? lines.length, quoteStart ?? lines.length);
  const text = join(lines.slice(0, end));
  if (text.trim() === '') return { text: body.trimEnd() };
  const signature =
    signatureStart !== undefined ? join(lines.slice(signatureStart, quoteStart ?? lines.length)) : '';
  const quoted = quoteStart !== undefined ? join(lines.slice(quoteStart)) : '';
  return {
    text,
    ...(quoted ? { quoted } : {}),
    ...(signature ? { signature } : {}),
  };
}
