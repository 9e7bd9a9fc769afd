/**
 * `modules.datetime`: naive datetime, date and timedelta with the everyday API dbt projects
 * use (now/utcnow/today, strptime/strftime, isoformat, replace, + and - with timedeltas,
 * comparisons). Values are kept as microseconds (datetime, timedelta) or days (date) since
 * 1970-01-01, treating naive wall-clock fields as UTC so arithmetic ignores DST.
 */
import { bindArgs } from '../args.js';
import { PY_ADD, PY_SUB, pyRepr, pyStr } from '../pyvalues.js';
import { type AwareDatetimeFactory, PyTimezone, pytzModule } from './pytz.js';

const US_PER_DAY = 86_400_000_000;
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number, width = 2) => String(Math.trunc(n)).padStart(width, '0');
const floorDiv = (a: number, b: number) => Math.floor(a / b);
const mod = (a: number, b: number) => ((a % b) + b) % b;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
}

function toMicros(f: Fields): number {
  const ms = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  if (Number.isNaN(ms)) throw new Error('ValueError: invalid date');
  const d = new Date(ms);
  if (d.getUTCMonth() !== f.month - 1 || d.getUTCDate() !== f.day)
    throw new Error('ValueError: day is out of range for month');
  return ms * 1000 + f.microsecond;
}

function fromMicros(us: number): Fields {
  const micro = mod(us, 1_000_000);
  const d = new Date((us - micro) / 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    microsecond: micro,
  };
}

function strftime(fields: Fields, weekday: number, yearDay: number, format: string): string {
  return format.replace(/%([a-zA-Z%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y':
        return pad(fields.year, 4);
      case 'y':
        return pad(fields.year % 100);
      case 'm':
        return pad(fields.month);
      case 'd':
        return pad(fields.day);
      case 'H':
        return pad(fields.hour);
      case 'I':
        return pad(fields.hour % 12 === 0 ? 12 : fields.hour % 12);
      case 'p':
        return fields.hour < 12 ? 'AM' : 'PM';
      case 'M':
        return pad(fields.minute);
      case 'S':
        return pad(fields.second);
      case 'f':
        return pad(fields.microsecond, 6);
      case 'j':
        return pad(yearDay, 3);
      case 'a':
        return DAY_NAMES[weekday].slice(0, 3);
      case 'A':
        return DAY_NAMES[weekday];
      case 'w':
        return String((weekday + 1) % 7);
      case 'u':
        return String(weekday + 1);
      case 'b':
      case 'h':
        return MONTH_NAMES[fields.month - 1].slice(0, 3);
      case 'B':
        return MONTH_NAMES[fields.month - 1];
      case 'x':
        return `${pad(fields.month)}/${pad(fields.day)}/${pad(fields.year % 100)}`;
      case 'X':
        return `${pad(fields.hour)}:${pad(fields.minute)}:${pad(fields.second)}`;
      case 'c':
        return `${DAY_NAMES[weekday].slice(0, 3)} ${MONTH_NAMES[fields.month - 1].slice(0, 3)} ${String(fields.day).padStart(2, ' ')} ${pad(fields.hour)}:${pad(fields.minute)}:${pad(fields.second)} ${fields.year}`;
      case 'z':
      case 'Z':
        return '';
      case '%':
        return '%';
      default:
        return `%${c}`;
    }
  });
}

export class PyTimedelta {
  constructor(readonly us: number) {}

  get days(): number {
    return floorDiv(this.us, US_PER_DAY);
  }
  get seconds(): number {
    return floorDiv(mod(this.us, US_PER_DAY), 1_000_000);
  }
  get microseconds(): number {
    return mod(this.us, 1_000_000);
  }
  total_seconds(): number {
    return this.us / 1_000_000;
  }
  valueOf(): number {
    return this.us;
  }
  [PY_ADD](other: unknown): unknown {
    return other instanceof PyTimedelta ? new PyTimedelta(this.us + other.us) : undefined;
  }
  [PY_SUB](other: unknown): unknown {
    return other instanceof PyTimedelta ? new PyTimedelta(this.us - other.us) : undefined;
  }
  toString(): string {
    const { days, seconds, microseconds } = this;
    const clock = `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${microseconds ? `.${pad(microseconds, 6)}` : ''}`;
    return days ? `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${clock}` : clock;
  }
}

export class PyDate {
  constructor(readonly daysSinceEpoch: number) {}

  private get fields(): Fields {
    return fromMicros(this.daysSinceEpoch * US_PER_DAY);
  }
  get year(): number {
    return this.fields.year;
  }
  get month(): number {
    return this.fields.month;
  }
  get day(): number {
    return this.fields.day;
  }
  weekday(): number {
    return mod(this.daysSinceEpoch + 3, 7); // 1970-01-01 was a Thursday
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  isoformat(): string {
    const f = this.fields;
    return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
  }
  strftime(format: unknown): string {
    const f = this.fields;
    return strftime(f, this.weekday(), dayOfYear(f), pyStr(format));
  }
  replace(...args: unknown[]): PyDate {
    const f = this.fields;
    const k = bindArgs(args, ['year', 'month', 'day'], { year: f.year, month: f.month, day: f.day });
    return makeDate(Number(k.year), Number(k.month), Number(k.day));
  }
  valueOf(): number {
    return this.daysSinceEpoch;
  }
  [PY_ADD](other: unknown): unknown {
    return other instanceof PyTimedelta ? new PyDate(this.daysSinceEpoch + other.days) : undefined;
  }
  [PY_SUB](other: unknown): unknown {
    if (other instanceof PyTimedelta) return new PyDate(this.daysSinceEpoch - other.days);
    if (other instanceof PyDate)
      return new PyTimedelta((this.daysSinceEpoch - other.daysSinceEpoch) * US_PER_DAY);
    return undefined;
  }
  toString(): string {
    return this.isoformat();
  }
}

function dayOfYear(f: Fields): number {
  return (Date.UTC(f.year, f.month - 1, f.day) - Date.UTC(f.year, 0, 1)) / 86_400_000 + 1;
}

function makeDate(year: number, month: number, day: number): PyDate {
  const us = toMicros({ year, month, day, hour: 0, minute: 0, second: 0, microsecond: 0 });
  return new PyDate(us / US_PER_DAY);
}

/** `+HH:MM` (with `:SS` when the offset has seconds), as Python prints utcoffset. */
function offsetText(offsetUs: number): string {
  const seconds = Math.abs(Math.round(offsetUs / 1_000_000));
  const text = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}`;
  return `${offsetUs < 0 ? '-' : '+'}${text}${seconds % 60 ? `:${pad(seconds % 60)}` : ''}`;
}

/** A datetime; `us` is its wall-clock time, `offsetUs` its UTC offset when it has a tzinfo. */
export class PyDatetime {
  constructor(
    readonly us: number,
    readonly tzinfo: PyTimezone | null = null,
    readonly offsetUs = 0,
  ) {}

  private withWall(us: number): PyDatetime {
    return new PyDatetime(us, this.tzinfo, this.offsetUs);
  }

  private get fields(): Fields {
    return fromMicros(this.us);
  }
  get year(): number {
    return this.fields.year;
  }
  get month(): number {
    return this.fields.month;
  }
  get day(): number {
    return this.fields.day;
  }
  get hour(): number {
    return this.fields.hour;
  }
  get minute(): number {
    return this.fields.minute;
  }
  get second(): number {
    return this.fields.second;
  }
  get microsecond(): number {
    return this.fields.microsecond;
  }
  date(): PyDate {
    return new PyDate(floorDiv(this.us, US_PER_DAY));
  }
  weekday(): number {
    return this.date().weekday();
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  timestamp(): number {
    return (this.us - this.offsetUs) / 1_000_000;
  }
  utcoffset(): PyTimedelta | null {
    return this.tzinfo ? new PyTimedelta(this.offsetUs) : null;
  }
  astimezone(tz: unknown): PyDatetime {
    if (!(tz instanceof PyTimezone)) throw new Error('TypeError: astimezone() needs a pytz timezone');
    const utc = this.us - this.offsetUs;
    const offset = tz.offsetAtUtc(utc);
    return new PyDatetime(utc + offset, tz, offset);
  }
  isoformat(...args: unknown[]): string {
    const { sep } = bindArgs(args, ['sep'], { sep: 'T' });
    const f = this.fields;
    const time = `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${f.microsecond ? `.${pad(f.microsecond, 6)}` : ''}`;
    const zone = this.tzinfo ? offsetText(this.offsetUs) : '';
    return `${this.date().isoformat()}${pyStr(sep)}${time}${zone}`;
  }
  strftime(format: unknown): string {
    const f = this.fields;
    const zone = this.tzinfo ? offsetText(this.offsetUs).replace(/:/g, '') : '';
    return strftime(f, this.weekday(), dayOfYear(f), pyStr(format).replace(/%z/g, zone));
  }
  replace(...args: unknown[]): PyDatetime {
    const f = this.fields;
    const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
    const k = bindArgs(args, names, { ...f, tzinfo: this.tzinfo });
    const us = toMicros(numberFields(k));
    return k.tzinfo === this.tzinfo ? this.withWall(us) : withTzinfo(us, k.tzinfo);
  }
  valueOf(): number {
    return this.us - this.offsetUs;
  }
  [PY_ADD](other: unknown): unknown {
    return other instanceof PyTimedelta ? this.withWall(this.us + other.us) : undefined;
  }
  [PY_SUB](other: unknown): unknown {
    if (other instanceof PyTimedelta) return this.withWall(this.us - other.us);
    if (other instanceof PyDatetime) return new PyTimedelta(this.valueOf() - other.valueOf());
    return undefined;
  }
  toString(): string {
    return this.isoformat(' ');
  }
}

/** `datetime(..., tzinfo=zone)`: pytz gives a zone used this way its first (LMT) offset. */
function withTzinfo(wallUs: number, tzinfo: unknown): PyDatetime {
  if (tzinfo === null || tzinfo === undefined) return new PyDatetime(wallUs);
  if (!(tzinfo instanceof PyTimezone)) throw new Error('TypeError: tzinfo must be a pytz timezone');
  return new PyDatetime(wallUs, tzinfo, tzinfo.firstOffset());
}

/** An aware "now" in a zone, or the naive local now. */
function nowIn(tz: unknown): PyDatetime {
  if (!(tz instanceof PyTimezone)) return new PyDatetime(toMicros(localNow()));
  return new PyDatetime(Date.now() * 1000, null).astimezone(tz);
}

const awareDatetimes: AwareDatetimeFactory = {
  aware: (wallUs, tz, offsetUs) => new PyDatetime(wallUs, tz, offsetUs),
  wallOf: (value) => {
    if (!(value instanceof PyDatetime)) throw new Error('TypeError: expected a datetime');
    return value.us;
  },
  offsetOf: (value) => (value instanceof PyDatetime && value.tzinfo ? value.offsetUs : null),
};

/** Build the `modules.pytz` namespace (its datetimes are this module's). */
export function pytzNamespace(): Record<string, unknown> {
  return pytzModule(awareDatetimes);
}

function numberFields(k: Record<string, unknown>): Fields {
  return {
    year: Number(k.year),
    month: Number(k.month ?? 1),
    day: Number(k.day ?? 1),
    hour: Number(k.hour ?? 0),
    minute: Number(k.minute ?? 0),
    second: Number(k.second ?? 0),
    microsecond: Number(k.microsecond ?? 0),
  };
}

function localNow(): Fields {
  const d = new Date();
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds(),
    microsecond: d.getMilliseconds() * 1000,
  };
}

const STRPTIME_PARTS: Record<
  string,
  [string, keyof Fields | 'ampm' | 'ignore' | 'month_name' | 'short_year']
> = {
  Y: ['(\\d{4})', 'year'],
  y: ['(\\d{2})', 'short_year'],
  m: ['(\\d{1,2})', 'month'],
  d: ['(\\d{1,2})', 'day'],
  H: ['(\\d{1,2})', 'hour'],
  I: ['(\\d{1,2})', 'hour'],
  M: ['(\\d{1,2})', 'minute'],
  S: ['(\\d{1,2})', 'second'],
  f: ['(\\d{1,6})', 'microsecond'],
  p: ['(AM|PM|am|pm)', 'ampm'],
  b: ['([A-Za-z]{3})', 'month_name'],
  B: ['([A-Za-z]+)', 'month_name'],
  a: ['([A-Za-z]{3})', 'ignore'],
  A: ['([A-Za-z]+)', 'ignore'],
  j: ['(\\d{1,3})', 'ignore'],
  z: ['([+-]\\d{2}:?\\d{2}|Z)', 'ignore'],
  Z: ['([A-Za-z]*)', 'ignore'],
};

export function strptime(text: unknown, format: unknown): PyDatetime {
  const value = pyStr(text);
  const fmt = pyStr(format);
  const roles: string[] = [];
  let pattern = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch === '%' && i + 1 < fmt.length) {
      const code = fmt[++i];
      if (code === '%') {
        pattern += '%';
        continue;
      }
      const part = STRPTIME_PARTS[code];
      if (!part) throw new Error(`ValueError: unsupported strptime directive %${code}`);
      pattern += part[0];
      roles.push(part[1]);
    } else if (/\s/.test(ch)) {
      pattern += '\\s+';
    } else {
      pattern += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const m = new RegExp(`^${pattern}$`).exec(value);
  if (!m) throw new Error(`ValueError: time data ${pyRepr(value)} does not match format ${pyRepr(fmt)}`);
  const f: Fields = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0 };
  let pm: boolean | undefined;
  roles.forEach((role, i) => {
    const raw = m[i + 1];
    if (role === 'ignore') return;
    if (role === 'ampm') pm = raw.toUpperCase() === 'PM';
    else if (role === 'short_year') f.year = Number(raw) + (Number(raw) < 69 ? 2000 : 1900);
    else if (role === 'month_name')
      f.month = MONTH_NAMES.findIndex((n) => n.toLowerCase().startsWith(raw.toLowerCase())) + 1;
    else if (role === 'microsecond') f.microsecond = Number(raw.padEnd(6, '0'));
    else f[role as keyof Fields] = Number(raw);
  });
  if (pm !== undefined) f.hour = (f.hour % 12) + (pm ? 12 : 0);
  return new PyDatetime(toMicros(f));
}

function fromIso(text: unknown): PyDatetime {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?/.exec(pyStr(text));
  if (!m) throw new Error(`ValueError: Invalid isoformat string: ${pyRepr(text)}`);
  return new PyDatetime(
    toMicros({
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4] ?? 0),
      minute: Number(m[5] ?? 0),
      second: Number(m[6] ?? 0),
      microsecond: Number((m[7] ?? '0').padEnd(6, '0')),
    }),
  );
}

/** Build the `modules.datetime` namespace. */
export function datetimeModule(): Record<string, unknown> {
  const datetime = Object.assign(
    (...args: unknown[]) => {
      const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
      const k = bindArgs(args, names, { tzinfo: null });
      return withTzinfo(toMicros(numberFields(k)), k.tzinfo);
    },
    {
      now: (tz: unknown) => nowIn(tz),
      today: () => new PyDatetime(toMicros(localNow())),
      utcnow: () => new PyDatetime(Date.now() * 1000),
      strptime,
      fromisoformat: fromIso,
      fromtimestamp: (ts: unknown) => new PyDatetime(Math.round(Number(ts) * 1_000_000)),
      utcfromtimestamp: (ts: unknown) => new PyDatetime(Math.round(Number(ts) * 1_000_000)),
    },
  );
  const date = Object.assign(
    (...args: unknown[]) => {
      const k = bindArgs(args, ['year', 'month', 'day']);
      return makeDate(Number(k.year), Number(k.month), Number(k.day));
    },
    {
      today: () => new PyDatetime(toMicros(localNow())).date(),
      fromisoformat: (text: unknown) => fromIso(text).date(),
    },
  );
  const timedelta = (...args: unknown[]) => {
    const k = bindArgs(
      args,
      ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'],
      {
        days: 0,
        seconds: 0,
        microseconds: 0,
        milliseconds: 0,
        minutes: 0,
        hours: 0,
        weeks: 0,
      },
    );
    const us =
      Number(k.microseconds) +
      Number(k.milliseconds) * 1000 +
      Number(k.seconds) * 1_000_000 +
      Number(k.minutes) * 60_000_000 +
      Number(k.hours) * 3_600_000_000 +
      Number(k.days) * US_PER_DAY +
      Number(k.weeks) * 7 * US_PER_DAY;
    return new PyTimedelta(Math.round(us));
  };
  return { datetime, date, timedelta, MINYEAR: 1, MAXYEAR: 9999 };
}
