/**
 * Errors a user can cause. Each carries one clear sentence (naming the file:line or the
 * model) and the process exit code the CLI ends with. The CLI prints `message` only —
 * never a stack trace — for any MdwError.
 */
export class MdwError extends Error {
  constructor(
    message: string,
    /** dbt's convention: 1 = a node failed or a test failed, 2 = bad usage, config or project. */
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad project/profile/YAML/CLI usage: the command cannot start. Exit 2. */
export class ConfigError extends MdwError {}

/** A Jinja/SQL template could not be parsed or rendered. `file` is relative to the project. */
export class TemplateError extends MdwError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message, 2);
  }
}

/** Raised by the engine while running a node (SQL error etc.). Exit 1 for the command. */
export class ExecutionError extends MdwError {
  constructor(message: string) {
    super(message, 1);
  }
}

export function isMdwError(error: unknown): error is MdwError {
  return error instanceof MdwError;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
