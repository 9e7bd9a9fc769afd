/** Reading config values that dbt lets users write in several shapes. */

/** A config value that may be one column name or a list of them → list (empty when unset). */
export function toNameList(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return [];
  if (Array.isArray(value)) return value.map((item) => String(item)).filter((item) => item.trim() !== '');
  return [String(value)];
}
