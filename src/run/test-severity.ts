/** dbt's test result rules: severity, warn_if and error_if decide pass / warn / fail. */
import type { NodeConfig } from '../manifest/types.js';

export type TestStatus = 'pass' | 'warn' | 'fail';

export function testStatus(config: NodeConfig, failures: number): TestStatus {
  const severity = String(config.severity ?? 'error').toLowerCase();
  if (severity === 'error' && conditionHolds(String(config.error_if ?? '!= 0'), failures)) return 'fail';
  if (conditionHolds(String(config.warn_if ?? '!= 0'), failures)) return 'warn';
  return 'pass';
}

/** Conditions like "!= 0", ">10", ">= 5", "=0", "<> 0". */
export function conditionHolds(condition: string, failures: number): boolean {
  const match = /^\s*(!=|<>|>=|<=|==|=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(condition);
  if (!match) return failures !== 0;
  const limit = Number(match[2]);
  switch (match[1]) {
    case '!=':
    case '<>':
      return failures !== limit;
    case '>=':
      return failures >= limit;
    case '<=':
      return failures <= limit;
    case '>':
      return failures > limit;
    case '<':
      return failures < limit;
    default:
      return failures === limit;
  }
}
