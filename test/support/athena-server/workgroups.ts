/**
 * The workgroups the local server knows: `primary` (no output location) plus those given on
 * its command line (`name=s3://bucket/prefix/`). Unknown names fail as Athena fails them.
 */
import { invalidRequest } from './protocol.js';

export interface WorkGroup {
  name: string;
  outputLocation?: string;
  createdMs: number;
}

export class WorkGroups {
  private readonly groups = new Map<string, WorkGroup>();

  constructor(specs: string[]) {
    const now = Date.now();
    this.groups.set('primary', { name: 'primary', createdMs: now });
    for (const spec of specs) {
      const eq = spec.indexOf('=');
      const name = eq < 0 ? spec : spec.slice(0, eq);
      const outputLocation = eq < 0 ? undefined : spec.slice(eq + 1);
      this.groups.set(name, { name, outputLocation, createdMs: now });
    }
  }

  get(name: string | undefined): WorkGroup {
    const group = this.groups.get(name ?? 'primary');
    if (!group) throw invalidRequest('WorkGroup is not found.');
    return group;
  }

  /** GetWorkGroup's `WorkGroup` structure */
  describe(group: WorkGroup): Record<string, unknown> {
    return {
      Name: group.name,
      State: 'ENABLED',
      Description: 'local Athena-compatible stack (mdw test support)',
      CreationTime: group.createdMs / 1000,
      Configuration: {
        ResultConfiguration: group.outputLocation ? { OutputLocation: group.outputLocation } : {},
        EnforceWorkGroupConfiguration: false,
        PublishCloudWatchMetricsEnabled: false,
        RequesterPaysEnabled: false,
        EngineVersion: ENGINE_VERSION,
      },
    };
  }

  summaries(): Record<string, unknown>[] {
    return [...this.groups.values()].map((g) => ({
      Name: g.name,
      State: 'ENABLED',
      Description: '',
      CreationTime: g.createdMs / 1000,
      EngineVersion: ENGINE_VERSION,
    }));
  }
}

export const ENGINE_VERSION = {
  SelectedEngineVersion: 'AUTO',
  EffectiveEngineVersion: 'Athena engine version 3',
};
