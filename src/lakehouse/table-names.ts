/**
 * A table's files live in <warehouse>/<schema>/<name>. A schema or alias such as `../x` or
 * `/tmp/x` would put them outside the warehouse, where remove-orphans later deletes files
 * that are not the table's: such names are refused before anything is written.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { ExecutionError } from '../util/errors.js';

const UNSAFE = /[\\/\0]/;

export function checkTableName(warehouseDir: string, namespace: string, name: string): void {
  const parts = [namespace, name];
  const unsafe = parts.some((part) => part === '' || part === '.' || part === '..' || UNSAFE.test(part));
  const inside = relative(resolve(warehouseDir), resolve(warehouseDir, namespace, name));
  if (unsafe || inside.startsWith('..') || isAbsolute(inside)) {
    throw new ExecutionError(
      `Iceberg table name '${namespace}.${name}' is not allowed: a schema or alias must be a plain name ` +
        `(no '/', '\\\\' or '..') so that the table's files stay inside the warehouse folder ${warehouseDir}.`,
    );
  }
}
