/**
 * Turn whatever a parse or render threw into one TemplateError sentence: `<file>:<line>: <reason>`.
 */
import { TemplateError } from '../util/errors.js';
import { errorReason, LocatedError } from './signals.js';

/** Nunjucks prefixes parser messages with the parser function name ("parseSet: ..."). */
function cleanReason(reason: string): string {
  return reason.replace(/^(?:parse|compile)[A-Za-z]*: /, '');
}

export function toTemplateError(error: unknown, file: string): TemplateError {
  if (error instanceof TemplateError && error.file !== undefined) return error;
  if (error instanceof LocatedError) {
    const where = error.file ?? file;
    let message = `${where}:${error.line}: ${cleanReason(error.reason)}`;
    if (error.file !== undefined && error.file !== file && error.callLine !== undefined)
      message += ` (called from ${file}:${error.callLine})`;
    return new TemplateError(message, where, error.line);
  }
  const line = (error as { lineno?: unknown })?.lineno;
  const reason = cleanReason(errorReason(error));
  if (typeof line === 'number' && line > 0)
    return new TemplateError(`${file}:${line}: ${reason}`, file, line);
  return new TemplateError(`${file}: ${reason}`, file);
}
