/** Instants and wall-clock time in Katowice (Europe/Warsaw), for day ranges and quiet hours. */

const PARTS = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** Minutes after midnight on the Katowice clock at instant `d`. */
export function warsawMinutes(d: Date): number {
  const p = Object.fromEntries(PARTS.formatToParts(d).map((x) => [x.type, x.value]));
  return Number(p.hour) * 60 + Number(p.minute);
}

/** How far the Katowice clock is ahead of UTC at instant `d`, in ms (1 h in winter, 2 h in summer). */
function offsetMs(d: Date): number {
  const p = Object.fromEntries(PARTS.formatToParts(d).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(d.getTime() / 1000) * 1000;
}

/** The instant when the Katowice clock shows `iso` (`YYYY-MM-DD`) at `minutes` after midnight. */
export function warsawInstant(iso: string, minutes = 0): Date {
  const guess = Date.parse(`${iso}T00:00:00Z`) + minutes * 60_000;
  const first = guess - offsetMs(new Date(guess));
  // around a DST change the offset at the result may differ from the guess's: take it again
  return new Date(guess - offsetMs(new Date(first)));
}

/** `HH:MM` → minutes after midnight, or null. */
export function parseClock(s: string): number | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(s.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}
