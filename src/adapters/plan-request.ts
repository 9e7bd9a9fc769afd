/**
 * The shared plan (src/materialize) for a materialize request on an engine: the runner passes
 * one it planned already; a direct caller gets it planned with the engine's incremental rules
 * and per-statement partition limit, as the runner would.
 */
import type { MaterializationPlan } from '../materialize/plan.js';
import { planMaterialization } from '../materialize/plan.js';
import type { Adapter, MaterializeRequest } from './types.js';

export function planOf(
  adapter: Pick<Adapter, 'incremental' | 'capabilities'>,
  request: Pick<MaterializeRequest, 'node' | 'fullRefresh' | 'plan'>,
  warn: (message: string) => void = (message) => process.stderr.write(`Warning: ${message}\n`),
): MaterializationPlan {
  return (
    request.plan ??
    planMaterialization(request.node, {
      fullRefresh: request.fullRefresh,
      incremental: adapter.incremental,
      maxPartitionsPerWrite: adapter.capabilities.maxPartitionsPerWrite,
      warn,
    })
  );
}
