/**
 * `modules.pytz` as dbt exposes it: `timezone(name)`, `utc` / `UTC`, `localize`, `normalize`,
 * with offsets from the IANA data Node's Intl carries. pytz's well-known quirk is kept on
 * purpose, because dbt renders it: a zone passed straight as `tzinfo=` (not via `localize`) uses
 * the zone's first offset, its local mean time rounded to the minute (-07:53 for Los Angeles).
 */
import { bindArgs } from '../args.js';
import { pyStr } from '../pyvalues.js';

const US_PER_SECOND = 1_000_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formats.set(zone, format);
  }
  return format;
}

/** The zone's UTC offset, in seconds, at a UTC instant given in milliseconds. */
function offsetSecondsAt(zone: string, utcMs: number): number {
  const name = formatFor(zone)
    .formatToParts(new Date(utcMs))
    .find((part) => part.type === 'timeZoneName')?.value;
  const m = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(name ?? '');
  if (!m?.[1]) return 0;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -seconds : seconds;
}

/** What the datetime module gives pytz to build aware datetimes without a circular import. */
export interface AwareDatetimeFactory {
  aware(wallUs: number, tz: PyTimezone, offsetUs: number): unknown;
  wallOf(value: unknown): number;
  offsetOf(value: unknown): number | null;
}

/** A pytz zone: the offsets of one IANA zone. */
export class PyTimezone {
  constructor(
    readonly zone: string,
    private readonly datetimes: AwareDatetimeFactory,
  ) {}

  /** Offset in microseconds at a UTC instant (microseconds since the epoch). */
  offsetAtUtc(utcUs: number): number {
    if (this.zone === 'UTC') return 0;
    return offsetSecondsAt(this.zone, Math.floor(utcUs / 1000)) * US_PER_SECOND;
  }

  /** Offset in microseconds for a wall-clock time (naive microseconds), as `localize` picks it. */
  offsetAtWall(wallUs: number): number {
    return this.offsetAtUtc(wallUs - this.offsetAtUtc(wallUs));
  }

  /** pytz's offset for `tzinfo=zone`: local mean time rounded to the minute as pytz does. */
  firstOffset(): number {
    if (this.zone === 'UTC') return 0;
    const seconds = offsetSecondsAt(this.zone, Date.UTC(1800, 0, 1));
    return Math.floor((seconds + 30) / 60) * 60 * US_PER_SECOND;
  }

  /** `tz.localize(naive)`: the same wall-clock time with the offset in force then. */
  localize(...args: unknown[]): unknown {
    const { dt } = bindArgs(args, ['dt', 'is_dst'], { is_dst: false });
    const wall = this.datetimes.wallOf(dt);
    return this.datetimes.aware(wall, this, this.offsetAtWall(wall));
  }

  /** `tz.normalize(aware)`: the same instant with this zone's offset at that instant. */
  normalize(dt: unknown): unknown {
    const utc = this.datetimes.wallOf(dt) - (this.datetimes.offsetOf(dt) ?? 0);
    const offset = this.offsetAtUtc(utc);
    return this.datetimes.aware(utc + offset, this, offset);
  }

  toString(): string {
    return this.zone;
  }
}

/** Build the `modules.pytz` namespace over a datetime implementation. */
export function pytzModule(datetimes: AwareDatetimeFactory): Record<string, unknown> {
  const utc = new PyTimezone('UTC', datetimes);
  const timezone = (name: unknown): PyTimezone => {
    const zone = pyStr(name);
    if (zone.toUpperCase() === 'UTC') return utc;
    try {
      formatFor(zone);
    } catch {
      throw new Error(`UnknownTimeZoneError: '${zone}'`);
    }
    return new PyTimezone(zone, datetimes);
  };
  return { timezone, utc, UTC: utc };
}
