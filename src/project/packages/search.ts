/**
 * dbt's search order for ref() and source() without a package: the root project, then the
 * calling node's own package, then any package. With a package given, only that package.
 */
export function packagesToSearch(
  root: string,
  nodePackage: string,
  targetPackage: string | null | undefined,
  allPackages: Iterable<string>,
): string[] {
  if (targetPackage !== undefined && targetPackage !== null) return [targetPackage];
  return [...new Set([root, nodePackage, ...[...allPackages].sort()])];
}

/** The first package in dbt's search order where `find` succeeds. */
export function findAcrossPackages<T>(
  root: string,
  nodePackage: string,
  targetPackage: string | null | undefined,
  allPackages: Iterable<string>,
  find: (pkg: string) => T | undefined,
): T | undefined {
  for (const pkg of packagesToSearch(root, nodePackage, targetPackage, allPackages)) {
    const found = find(pkg);
    if (found !== undefined) return found;
  }
  return undefined;
}
