/**
 * Python string formatting: printf-style (`'%s-%05.2f' % (a, b)`, the `format` filter) and
 * str.format (`'{}_{name:>5}'.format(a, name=b)`). Covers the conversions dbt projects use.
 */
import { isPlainObject, pyRepr, pyStr } from './pyvalues.js';

const PERCENT_RE = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifFeEgGxXorca%])/g;

/** `fmt % args` where args is a value, a list (tuple) or a dict (for `%(name)s`). */
export function percentFormat(fmt: string, args: unknown): string {
  const usesNames = /%\([^)]*\)/.test(fmt);
  const list = usesNames ? [] : Array.isArray(args) ? args : [args];
  let next = 0;
  return fmt.replace(
    PERCENT_RE,
    (_m, name: string | undefined, flags: string, width, precision, conv: string) => {
      if (conv === '%') return '%';
      let value: unknown;
      if (name !== undefined) {
        value = isPlainObject(args) ? args[name] : undefined;
      } else {
        if (next >= list.length) throw new Error('not enough arguments for format string');
        value = list[next++];
      }
      const text = convertPercent(
        value,
        conv,
        precision === undefined ? undefined : Number(precision),
        flags,
      );
      return pad(
        text,
        width === undefined ? 0 : Number(width),
        flags.includes('-') ? '<' : '>',
        flags.includes('0') && !flags.includes('-') && conv !== 's' ? '0' : ' ',
      );
    },
  );
}

function convertPercent(value: unknown, conv: string, precision: number | undefined, flags: string): string {
  switch (conv) {
    case 's':
      return precision === undefined ? pyStr(value) : pyStr(value).slice(0, precision);
    case 'r':
    case 'a':
      return pyRepr(value);
    case 'c':
      return typeof value === 'number' ? String.fromCodePoint(value) : pyStr(value);
    default:
      return formatNumber(
        toNumber(value),
        conv === 'i' || conv === 'd' ? 'd' : conv,
        precision,
        flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '-',
        flags.includes('#'),
      );
  }
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  const n = Number(value);
  if (typeof value !== 'string' || Number.isNaN(n))
    throw new Error(`a number is required, not ${pyRepr(value)}`);
  return n;
}

/** Format a number for a conversion type (d, f, e, g, x, o, %, ...). */
function formatNumber(
  n: number,
  type: string,
  precision: number | undefined,
  sign: string,
  alt: boolean,
): string {
  let body: string;
  const abs = Math.abs(n);
  switch (type) {
    case 'd':
      body = String(Math.trunc(abs));
      break;
    case 'f':
    case 'F':
      body = abs.toFixed(precision ?? 6);
      break;
    case 'e':
    case 'E':
      body = pythonExponent(abs.toExponential(precision ?? 6));
      if (type === 'E') body = body.toUpperCase();
      break;
    case 'g':
    case 'G':
    case '':
      body = generalFormat(abs, precision, type === '' && precision === undefined);
      if (type === 'G') body = body.toUpperCase();
      break;
    case 'x':
    case 'X':
      body = (alt ? '0x' : '') + Math.trunc(abs).toString(16);
      if (type === 'X') body = body.toUpperCase();
      break;
    case 'o':
      body = (alt ? '0o' : '') + Math.trunc(abs).toString(8);
      break;
    case 'b':
      body = (alt ? '0b' : '') + Math.trunc(abs).toString(2);
      break;
    case '%':
      body = `${(abs * 100).toFixed(precision ?? 6)}%`;
      break;
    default:
      throw new Error(`unsupported format character '${type}'`);
  }
  const negative = n < 0 || Object.is(n, -0);
  const prefix = negative ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
  return prefix + body;
}

function pythonExponent(text: string): string {
  // JS writes 1.5e+0, Python 1.5e+00
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

function generalFormat(abs: number, precision: number | undefined, plain: boolean): string {
  if (plain) return String(abs);
  const p = precision === 0 ? 1 : (precision ?? 6);
  if (abs === 0) return '0';
  const exp = Math.floor(Math.log10(abs));
  if (exp < -4 || exp >= p) return pythonExponent(abs.toExponential(p - 1).replace(/\.?0+e/, 'e'));
  const fixed = abs.toFixed(Math.max(0, p - 1 - exp));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

function pad(text: string, width: number, align: string, fill: string): string {
  if (text.length >= width) return text;
  const missing = width - text.length;
  if (align === '<') return text + fill.repeat(missing);
  if (align === '^') {
    const left = Math.floor(missing / 2);
    return fill.repeat(left) + text + fill.repeat(missing - left);
  }
  if (align === '=' || (fill === '0' && align === '>')) {
    const sign = /^[-+ ]/.test(text) ? text[0] : '';
    return sign + fill.repeat(missing) + text.slice(sign.length);
  }
  return fill.repeat(missing) + text;
}

const SPEC_RE = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** format(value, spec) — the mini-language after `:` in str.format. */
export function formatSpec(value: unknown, spec: string): string {
  if (spec === '') return pyStr(value);
  const m = SPEC_RE.exec(spec);
  if (!m) throw new Error(`invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, sign, alt, zero, width, grouping, precision, type] = m;
  const isNumber = typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean';
  let text: string;
  if (type === 's' || (!type && !isNumber)) {
    text = pyStr(value);
    if (precision !== undefined) text = text.slice(0, Number(precision));
  } else if (type === 'c') {
    text = String.fromCodePoint(toNumber(value));
  } else {
    const n = toNumber(value);
    const t = type ?? (Number.isInteger(n) && precision === undefined ? 'd' : '');
    text = formatNumber(
      n,
      t === 'n' ? 'g' : t,
      precision === undefined ? undefined : Number(precision),
      sign ?? '-',
      !!alt,
    );
    if (grouping)
      text = text.replace(
        /^([-+ ]?)(\d+)/,
        (_all, s: string, digits: string) => s + digits.replace(/\B(?=(\d{3})+$)/g, grouping),
      );
  }
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  const align = alignChar ?? (zero ? '=' : isNumber && type !== 's' ? '>' : '<');
  return pad(text, width === undefined ? 0 : Number(width), align, fill);
}

/** str.format(*positional, **keywords). `getAttr` resolves `{0.name}` / `{0[key]}` lookups. */
export function strFormat(
  fmt: string,
  positional: readonly unknown[],
  keywords: Record<string, unknown>,
  getAttr: (obj: unknown, key: string | number) => unknown,
): string {
  let auto = 0;
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch === '{' && fmt[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    if (ch === '}' && fmt[i + 1] === '}') {
      out += '}';
      i++;
      continue;
    }
    if (ch !== '{') {
      out += ch;
      continue;
    }
    const end = fmt.indexOf('}', i);
    if (end < 0) throw new Error("Single '{' encountered in format string");
    const field = fmt.slice(i + 1, end);
    i = end;
    const m = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/.exec(field);
    if (!m) throw new Error(`invalid format field '{${field}}'`);
    const [, head, path, conversion, spec] = m;
    let value: unknown;
    if (head === '') value = positional[auto++];
    else if (/^\d+$/.test(head)) value = positional[Number(head)];
    else value = keywords[head];
    for (const part of path.match(/\.[^.[]+|\[[^\]]*\]/g) ?? []) {
      const key = part.startsWith('.') ? part.slice(1) : part.slice(1, -1);
      value = getAttr(value, /^\d+$/.test(key) ? Number(key) : key);
    }
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    out += formatSpec(value, spec ?? '');
  }
  return out;
}
