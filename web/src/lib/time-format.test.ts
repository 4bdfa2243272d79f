import { describe, expect, it } from 'vitest';
import { formatAge, formatTimestamp, localTimeIn, snoozePresets, waitingLevel } from './time-format.ts';

const units = { now: 'now', minutes: 'min', hours: 'h', days: 'd' };
const now = Date.parse('2026-11-23T12:00:00Z');

describe('time formatting', () => {
  it('formats ages compactly', () => {
    expect(formatAge(null, now, units)).toBe('');
    expect(formatAge('2026-11-23T11:59:30Z', now, units)).toBe('now');
    expect(formatAge('2026-11-23T11:55:00Z', now, units)).toBe('5 min');
    expect(formatAge('2026-11-23T09:00:00Z', now, units)).toBe('3 h');
    expect(formatAge('2026-11-20T12:00:00Z', now, units)).toBe('3 d');
    expect(formatAge('2026-11-23T12:05:00Z', now, units)).toBe('now');
  });

  it('grades waiting time', () => {
    expect(waitingLevel(null, now)).toBe('none');
    expect(waitingLevel('2026-11-23T11:50:00Z', now)).toBe('ok');
    expect(waitingLevel('2026-11-23T11:00:00Z', now)).toBe('warn');
    expect(waitingLevel('2026-11-23T08:00:00Z', now)).toBe('late');
  });

  it('shows only the time for today and the date for older items, in the given zone and language', () => {
    expect(formatTimestamp('2026-11-23T09:15:00Z', now, 'de', 'Europe/Berlin')).toBe('10:15');
    expect(formatTimestamp('2026-11-23T09:15:00Z', now, 'en', 'UTC')).toBe('9:15 AM');
    expect(formatTimestamp('2026-10-01T09:15:00Z', now, 'de', 'Europe/Berlin')).toBe('01.10.2026, 11:15');
  });

  it("tells the customer's local time and ignores unknown zones", () => {
    expect(localTimeIn('Asia/Tokyo', now, 'de')).toBe('21:00');
    expect(localTimeIn('Mars/Olympus', now, 'de')).toBeNull();
    expect(localTimeIn(null, now, 'de')).toBeNull();
  });

  it('offers snooze presets in the future', () => {
    const from = new Date(2026, 10, 25, 15, 30); // a Wednesday
    const [hour, tomorrow, nextWeek] = snoozePresets(from);
    expect(hour!.until.getTime() - from.getTime()).toBe(3_600_000);
    expect([tomorrow!.until.getDate(), tomorrow!.until.getHours()]).toEqual([26, 9]);
    expect([nextWeek!.until.getDay(), nextWeek!.until.getDate()]).toEqual([1, 30]);
  });
});
