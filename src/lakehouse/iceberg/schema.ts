/**
 * Iceberg schemas and types, held in memory in exactly their JSON shape (spec Appendix C) so
 * metadata written by other engines round-trips without a translation layer.
 * Primitive types are strings: "int", "decimal(10,2)", "fixed[16]"…
 */

export type PrimitiveType = string;

export interface NestedField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string;
  [extra: string]: unknown;
}

export interface StructType {
  type: 'struct';
  fields: NestedField[];
}

export interface ListType {
  type: 'list';
  'element-id': number;
  'element-required': boolean;
  element: IcebergType;
}

export interface MapType {
  type: 'map';
  'key-id': number;
  key: IcebergType;
  'value-id': number;
  'value-required': boolean;
  value: IcebergType;
}

export type IcebergType = PrimitiveType | StructType | ListType | MapType;

export interface Schema extends StructType {
  'schema-id': number;
  'identifier-field-ids'?: number[];
}

export function isPrimitive(type: IcebergType): type is PrimitiveType {
  return typeof type === 'string';
}

const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;

/** `decimal(P,S)` → {precision, scale}; undefined for any other type. */
export function decimalParts(type: IcebergType): { precision: number; scale: number } | undefined {
  if (!isPrimitive(type)) return undefined;
  const m = DECIMAL.exec(type);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

/** Spelling differences other writers may use ("decimal(9, 2)") normalized to one form. */
export function normalizeType(type: IcebergType): IcebergType {
  if (isPrimitive(type)) {
    const dec = decimalParts(type);
    return dec ? `decimal(${dec.precision},${dec.scale})` : type.trim();
  }
  if (type.type === 'struct') return { ...type, fields: type.fields.map(normalizeField) };
  if (type.type === 'list') return { ...type, element: normalizeType(type.element) };
  return { ...type, key: normalizeType(type.key), value: normalizeType(type.value) };
}

function normalizeField(field: NestedField): NestedField {
  return { ...field, type: normalizeType(field.type) };
}

export function normalizeSchema(schema: Schema): Schema {
  return { ...schema, type: 'struct', fields: schema.fields.map(normalizeField) };
}

/** Every field id used by a type, nested ones included. */
export function fieldIds(type: IcebergType): number[] {
  if (isPrimitive(type)) return [];
  if (type.type === 'struct') return type.fields.flatMap((f) => [f.id, ...fieldIds(f.type)]);
  if (type.type === 'list') return [type['element-id'], ...fieldIds(type.element)];
  return [type['key-id'], type['value-id'], ...fieldIds(type.key), ...fieldIds(type.value)];
}

export function maxFieldId(type: IcebergType | undefined): number {
  if (!type) return 0;
  return fieldIds(type).reduce((a, b) => Math.max(a, b), 0);
}

/** A primitive column somewhere in the schema, with whether it sits inside a list or map. */
export interface LeafColumn {
  id: number;
  type: PrimitiveType;
  /** names from the top-level column down, e.g. ["l", "element", "x"] (list/map parts included) */
  path: string[];
  repeated: boolean;
}

/** Primitive leaves in schema order, named as Parquet names them (list → element, map → key/value). */
export function leafColumns(type: IcebergType, path: string[] = [], repeated = false): LeafColumn[] {
  if (isPrimitive(type)) return [];
  if (type.type === 'struct') {
    return type.fields.flatMap((f) =>
      isPrimitive(f.type)
        ? [{ id: f.id, type: f.type, path: [...path, f.name], repeated }]
        : leafColumns(f.type, [...path, f.name], repeated),
    );
  }
  const children: [number, string, IcebergType][] =
    type.type === 'list'
      ? [[type['element-id'], 'element', type.element]]
      : [
          [type['key-id'], 'key', type.key],
          [type['value-id'], 'value', type.value],
        ];
  return children.flatMap(([id, name, child]) =>
    isPrimitive(child)
      ? [{ id, type: child, path: [...path, name], repeated: true }]
      : leafColumns(child, [...path, name], true),
  );
}

/** Two schemas describe the same columns (ids, names, types, optionality), whatever their key order. */
export function sameColumns(a: StructType, b: StructType): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(type: IcebergType): unknown {
  const t = normalizeType(type);
  if (isPrimitive(t)) return t;
  if (t.type === 'struct') return t.fields.map((f) => [f.id, f.name, f.required, canonical(f.type)]);
  if (t.type === 'list') return ['list', t['element-id'], t['element-required'], canonical(t.element)];
  return ['map', t['key-id'], canonical(t.key), t['value-id'], t['value-required'], canonical(t.value)];
}

export function findField(schema: StructType, name: string): NestedField | undefined {
  return schema.fields.find((f) => f.name === name);
}
