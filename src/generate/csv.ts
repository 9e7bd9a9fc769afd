/**
 * The seven files' names and headers, plus the small RFC 4180 helpers the generator,
 * the file-level dirty helpers and tests share.
 */

export const TABLES = [
  'categories',
  'countries',
  'cities',
  'customers',
  'employees',
  'products',
  'sales',
] as const;
export type TableName = (typeof TABLES)[number];

/** Exact, case-sensitive headers of the published files. */
export const HEADERS: Record<TableName, readonly string[]> = {
  categories: ['CategoryID', 'CategoryName'],
  countries: ['CountryID', 'CountryName', 'CountryCode'],
  cities: ['CityID', 'CityName', 'Zipcode', 'CountryID'],
  customers: ['CustomerID', 'FirstName', 'MiddleInitial', 'LastName', 'CityID', 'Address'],
  employees: [
    'EmployeeID',
    'FirstName',
    'MiddleInitial',
    'LastName',
    'BirthDate',
    'Gender',
    'CityID',
    'HireDate',
  ],
  products: [
    'ProductID',
    'ProductName',
    'Price',
    'CategoryID',
    'Class',
    'ModifyDate',
    'Resistant',
    'IsAllergic',
    'VitalityDays',
  ],
  sales: [
    'SalesID',
    'SalesPersonID',
    'CustomerID',
    'ProductID',
    'Quantity',
    'Discount',
    'TotalPrice',
    'SalesDate',
    'TransactionNumber',
  ],
};

export function fileName(table: TableName): string {
  return `${table}.csv`;
}

export function headerLine(table: TableName): string {
  return `${HEADERS[table].join(',')}\n`;
}

/** Quotes a field only when RFC 4180 requires it (comma, quote, CR or LF). */
export function quoteField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(quoteField).join(',')}\n`;
}

/**
 * Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas,
 * doubled quotes and line breaks; CRLF and LF both end a record). Meant for small
 * files and tests — it holds everything in memory.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let inRecord = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      inRecord = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      inRecord = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
      inRecord = false;
    } else {
      field += ch;
      inRecord = true;
    }
    i++;
  }
  if (inRecord || field !== '') {
    fields.push(field);
    records.push(fields);
  }
  return records;
}
