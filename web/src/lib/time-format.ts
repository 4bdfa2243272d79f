const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Compact age for list rows: "now", "4 min", "2 h", "3 d" (localised unit labels). */
export function formatAge(
  sinceIso: string | null | undefined,
  now: number,
  units: { now: string; minutes: string; hours: string; days: string },
): string {
  if (!sinceIso) return '';
  const elapsed = Math.max(0, now - Date.parse(sinceIso));
  if (elapsed < MINUTE) return units.now;
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} ${units.minutes}`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} ${units.hours}`;
  return `${Math.floor(elapsed / DAY)} ${units.days}`;
}

/** How urgent a waiting time looks: calm below 15 minutes, warning below 2 hours, then overdue. */
export function waitingLevel(
  sinceIso: string | null | undefined,
  now: number,
): 'none' | 'ok' | 'warn' | 'late' {
  if (!sinceIso) return 'none';
  const elapsed = now - Date.parse(sinceIso);
  if (elapsed < 15 * MINUTE) return 'ok';
  if (elapsed < 2 * HOUR) return 'warn';
  return 'late';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, options: Intl.DateTimeFormatOptions, timeZone?: string) {
  const key = `${language}|${timeZone ?? ''}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(language, { ...options, timeZone });
    formatters.set(key, cached);
  }
  return cached;
}

/** Time of a timeline item: only the time today, weekday and time this week, else the date. */
export function formatTimestamp(iso: string, now: number, language: string, timeZone?: string): string {
  const date = new Date(iso);
  const sameDay =
    formatter(language, { dateStyle: 'short' }, timeZone).format(date) ===
    formatter(language, { dateStyle: 'short' }, timeZone).format(new Date(now));
  if (sameDay) return formatter(language, { timeStyle: 'short' }, timeZone).format(date);
  if (Math.abs(now - date.getTime()) < 6 * DAY) {
    return formatter(language, { weekday: 'short', hour: '2-digit', minute: '2-digit' }, timeZone).format(
      date,
    );
  }
  return formatter(language, { dateStyle: 'medium', timeStyle: 'short' }, timeZone).format(date);
}

/** Full date and time, for tooltips. */
export function formatFull(iso: string, language: string, timeZone?: string): string {
  return formatter(language, { dateStyle: 'full', timeStyle: 'medium' }, timeZone).format(new Date(iso));
}

/** The local wall-clock time of a customer in their time zone, or null for an unknown zone. */
export function localTimeIn(
  timeZone: string | null | undefined,
  now: number,
  language: string,
): string | null {
  if (!timeZone) return null;
  try {
    return formatter(language, { timeStyle: 'short' }, timeZone).format(new Date(now));
  } catch {
    return null;
  }
}

/** `<input type="datetime-local">` value for an instant, in the browser's zone. */
export function toLocalInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Snooze presets: in one hour, tomorrow 09:00, next Monday 09:00 (browser time). */
export function snoozePresets(now: Date): { key: 'hour' | 'tomorrow' | 'nextWeek'; until: Date }[] {
  const hour = new Date(now.getTime() + HOUR);
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const monday = new Date(now);
  monday.setDate(now.getDate() + ((8 - now.getDay()) % 7 || 7));
  monday.setHours(9, 0, 0, 0);
  return [
    { key: 'hour', until: hour },
    { key: 'tomorrow', until: tomorrow },
    { key: 'nextWeek', until: monday },
  ];
}
