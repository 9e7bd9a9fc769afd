/** Whole small CSV files (seeds) as records: RFC 4180 quoting, `""` escapes a quote. */

export function parseCsvRecords(text: string, delimiter: string): string[][] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < body.length; ) {
    const char = body[i]!;
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (char === '"') {
        quoted = false;
        i += 1;
      } else {
        field += char;
        i += 1;
      }
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      started = true;
      i += 1;
    } else if (body.startsWith(delimiter, i)) {
      record.push(field);
      field = '';
      started = true;
      i += delimiter.length;
    } else if (char === '\n' || char === '\r') {
      if (started || field !== '') {
        record.push(field);
        records.push(record);
      }
      record = [];
      field = '';
      started = false;
      i += char === '\r' && body[i + 1] === '\n' ? 2 : 1;
    } else {
      field += char;
      started = true;
      i += 1;
    }
  }
  if (started || field !== '') {
    record.push(field);
    records.push(record);
  }
  return records;
}
