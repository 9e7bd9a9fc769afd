/**
 * The trino profile's `catalog_map` (mdw's own key): catalog names a project declares (Athena's
 * `awsdatacatalog`) → the Trino catalog they are read and written in. Kept free of imports so the
 * descriptor can use it without loading the engine.
 */

/** The catalog `database` maps to, or `database` itself when the map does not name it. */
export function mappedCatalog(catalogMap: unknown, database: string): string {
  if (catalogMap === null || typeof catalogMap !== 'object' || Array.isArray(catalogMap)) return database;
  // Trino folds catalog names to lower case, so `AwsDataCatalog` is the same catalog.
  const wanted = database.toLowerCase();
  for (const [from, to] of Object.entries(catalogMap as Record<string, unknown>)) {
    if (from.toLowerCase() === wanted && typeof to === 'string' && to !== '') return to;
  }
  return database;
}
