/** "Did you mean" support: the candidates closest to a misspelled name. */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const scored: { candidate: string; distance: number }[] = [];
  const limit = Math.max(2, Math.floor(name.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    const contains = candidate.includes(name) || name.includes(candidate);
    if (distance <= limit || contains)
      scored.push({ candidate, distance: contains ? Math.min(distance, limit) : distance });
  }
  scored.sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  return [...new Set(scored.map((s) => s.candidate))].slice(0, max);
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = closestNames(name, candidates);
  return close.length > 0 ? ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
