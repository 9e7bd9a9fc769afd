/**
 * cdk-nag AwsSolutions-IAM5 (wildcard permissions) acknowledgments, each tied to the exact
 * set of actions it justifies. cdk-nag v3 names a finding after the resolved resource
 * (`AwsSolutions-IAM5[Resource::<flattened ARN>]`), which for CDK-generated policies contains
 * token expressions; an aspect resolves them at synth time so the reasons stay readable here.
 * A wildcard on any other statement still fails synth.
 */
import { createRequire } from 'node:module';
import { type IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

const require = createRequire(import.meta.url);
// cdk-nag's own flattening, so the acknowledged ids equal the reported ones
const { flattenCfnReference } = require('cdk-nag/lib/utils/flatten-cfn-reference.js') as {
  flattenCfnReference: (reference: unknown) => string;
};

export interface WildcardJustification {
  /** a statement qualifies when every one of its actions is in this list */
  actions: readonly string[];
  reason: string;
}

interface PolicyStatementJson {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export class JustifiedWildcards implements IAspect {
  constructor(private readonly justifications: readonly WildcardJustification[]) {}

  visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnPolicy)) return;
    const document = Stack.of(node).resolve(node.policyDocument) as { Statement?: PolicyStatementJson[] };
    for (const statement of document.Statement ?? []) {
      if (statement.Effect !== 'Allow') continue;
      const actions = asArray(statement.Action);
      const justification = this.justifications.find((j) => actions.every((a) => j.actions.includes(a)));
      if (!justification) continue;
      for (const resource of asArray(statement.Resource).map(flattenCfnReference)) {
        if (!resource.includes('*')) continue;
        Validations.of(node).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason: justification.reason,
        });
      }
    }
  }
}

/** Wildcards CDK's own integrations need, where AWS offers no narrower resource. */
export const PLATFORM_WILDCARDS: readonly WildcardJustification[] = [
  {
    actions: ['ecs:RunTask'],
    reason: "Task definition ARNs end in a revision; ':*' allows every revision of this one task family.",
  },
  {
    actions: ['ecs:StopTask', 'ecs:DescribeTasks'],
    reason: 'Task ARNs exist only at run time; the .sync integration polls and stops the task it started.',
  },
  {
    actions: ['states:DescribeExecution', 'states:StopExecution'],
    reason:
      'Execution ARNs exist only at run time; the wildcard is limited to the daily state machine executions.',
  },
  {
    actions: [
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ],
    reason:
      'CloudWatch Logs delivery APIs (state machine logging) do not support resource-level permissions.',
  },
  {
    actions: [
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
    ],
    reason: 'X-Ray tracing APIs do not support resource-level permissions.',
  },
  {
    actions: ['ecr:GetAuthorizationToken'],
    reason:
      'ECR GetAuthorizationToken does not support resource-level permissions; pulls are limited to the asset repository.',
  },
];
