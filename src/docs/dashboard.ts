/**
 * The sales overview: a few queries over the cur layer's tables, run at generate time so the
 * site needs no database. A panel whose table the project does not have (or has not built)
 * is left out rather than shown empty.
 */
import type { Connection } from '../adapters/types.js';
import type { Manifest } from '../manifest/types.js';

export interface Panel {
  id: string;
  title: string;
  /** line | bar | doughnut | kpi */
  chart: 'line' | 'bar' | 'doughnut' | 'kpi';
  model: string;
  columns: string[];
  rows: (string | number | null)[][];
}

interface PanelSpec {
  id: string;
  title: string;
  chart: Panel['chart'];
  model: string;
  /** `{table}` is replaced by the model's relation */
  sql: string;
}

export const PANELS: readonly PanelSpec[] = [
  {
    id: 'totals',
    title: 'Totals',
    chart: 'kpi',
    model: 'mdw_cur_daily_revenue',
    sql: 'select sum(net_amount)::double as net_revenue, sum(sales_count)::bigint as sales, count(*)::bigint as days from {table}',
  },
  {
    id: 'daily_revenue',
    title: 'Daily net revenue',
    chart: 'line',
    model: 'mdw_cur_daily_revenue',
    sql: 'select sales_date::varchar as sales_date, net_amount::double as net_amount from {table} order by sales_date',
  },
  {
    id: 'revenue_by_category',
    title: 'Net revenue by category',
    chart: 'bar',
    model: 'mdw_cur_category_daily_sales',
    sql: 'select category_name, sum(net_amount)::double as net_amount from {table} group by category_name order by net_amount desc, category_name',
  },
  {
    id: 'top_products',
    title: 'Top 10 products by net revenue',
    chart: 'bar',
    model: 'mdw_cur_product_performance',
    sql: 'select product_name, net_amount::double as net_amount from {table} order by net_amount desc, product_name limit 10',
  },
  {
    id: 'salesperson_leaderboard',
    title: 'Salesperson leaderboard',
    chart: 'bar',
    model: 'mdw_cur_salesperson_performance',
    sql: 'select full_name, net_amount::double as net_amount, sales_count::bigint as sales_count from {table} where sales_count > 0 order by net_amount desc, full_name',
  },
  {
    id: 'customer_segments',
    title: 'Customer segments (by number of purchases)',
    chart: 'doughnut',
    model: 'mdw_cur_customer_summary',
    sql: `select segment, count(*)::bigint as customers, sum(net_amount)::double as net_amount from (
  select net_amount, case
    when sales_count = 0 then '0 purchases'
    when sales_count < 5 then '1-4 purchases'
    when sales_count < 10 then '5-9 purchases'
    when sales_count < 20 then '10-19 purchases'
    else '20+ purchases' end as segment,
    case when sales_count = 0 then 0 when sales_count < 5 then 1 when sales_count < 10 then 2 when sales_count < 20 then 3 else 4 end as segment_order
  from {table}) group by segment, segment_order order by segment_order`,
  },
];

function plain(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

export async function buildDashboard(manifest: Manifest, conn: Connection): Promise<Panel[]> {
  const byName = new Map(
    Object.values(manifest.nodes)
      .filter((n) => n.resource_type === 'model' && n.relation_name)
      .map((n) => [n.name, n.relation_name as string]),
  );
  const panels: Panel[] = [];
  for (const spec of PANELS) {
    const relation = byName.get(spec.model);
    if (!relation) continue;
    try {
      const result = await conn.query(spec.sql.replaceAll('{table}', relation));
      panels.push({
        id: spec.id,
        title: spec.title,
        chart: spec.chart,
        model: spec.model,
        columns: result.columnNames,
        rows: result.rows.map((row) => row.map(plain)),
      });
    } catch {
      // Not built yet (or a different shape): no panel.
    }
  }
  return panels;
}
