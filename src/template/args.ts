/**
 * Keyword arguments. Nunjucks passes `f(a, b=1)` to a JS function as `f(a, {b: 1, __keywords: true})`;
 * these helpers give JS functions (filters, methods, ctx functions) Python-style argument binding.
 */

export type KeywordArgs = Record<string, unknown> & { __keywords: true };

export function isKeywordArgs(value: unknown): value is KeywordArgs {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, '__keywords');
}

/** Mark an object as the keyword arguments of a call (copies it: callers keep their object). */
export function makeKeywordArgs(kwargs: Record<string, unknown>): KeywordArgs {
  return { ...kwargs, __keywords: true };
}

/** Split call arguments into positional values and keyword values (without the marker). */
export function splitArgs(args: readonly unknown[]): {
  positional: unknown[];
  keywords: Record<string, unknown>;
} {
  const last = args[args.length - 1];
  if (!isKeywordArgs(last)) return { positional: [...args], keywords: {} };
  const keywords: Record<string, unknown> = {};
  for (const key of Object.keys(last)) if (key !== '__keywords') keywords[key] = last[key];
  return { positional: args.slice(0, -1), keywords };
}

/**
 * Bind call arguments to parameter names like Python does: positionals first, then keywords by
 * name, then defaults. Unknown keywords are ignored.
 */
export function bindArgs(
  args: readonly unknown[],
  names: readonly string[],
  defaults: Record<string, unknown> = {},
): Record<string, any> {
  const { positional, keywords } = splitArgs(args);
  const bound: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (i < positional.length) bound[name] = positional[i];
    else if (Object.hasOwn(keywords, name)) bound[name] = keywords[name];
    else bound[name] = defaults[name];
  });
  return bound;
}
