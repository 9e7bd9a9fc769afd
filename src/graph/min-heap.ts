/**
 * A binary min-heap of strings ordered by UTF-16 code units (the order of `Array#sort()`),
 * so the topological sort breaks ties the same way on every machine and locale.
 */
export class MinHeap {
  private readonly items: string[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: string): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= item) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }

  pop(): string | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const smaller = right < items.length && items[right] < items[left] ? right : left;
      if (items[smaller] >= last) break;
      items[i] = items[smaller];
      i = smaller;
    }
    items[i] = last;
    return top;
  }
}
