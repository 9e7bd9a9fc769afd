/** Operations properties of the run stack: image asset, schedule, retries, backfill, alarms, logs. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENVIRONMENTS } from '../lib/config.js';
import { synthesized } from './support.js';

type Json = Record<string, any>;
const resourcesOf = (template: { findResources(type: string): Json }, type: string): Json[] =>
  Object.values(template.findResources(type)).map((r) => r.Properties ?? {});
/** A state machine's definition with its references replaced by `<ref>`. */
const definitionOf = (machine: Json): Json => {
  const parts = machine.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `<ref>`)).join(''));
};

for (const env of ['dev', 'prod'] as const) {
  const config = ENVIRONMENTS[env];
  const run = () => synthesized(env).template('run');
  const machines = () => {
    const found = run().findResources('AWS::StepFunctions::StateMachine');
    const byId = (prefix: string) =>
      (Object.entries(found).find(([id]) => id.startsWith(prefix))![1] as Json).Properties as Json;
    return { daily: byId('Daily'), backfill: byId('Backfill') };
  };

  describe(`${env}: run`, () => {
    it('stages the Dockerfile build context at synth without building an image', () => {
      const { outdir, stacks } = synthesized(env);
      const manifest = JSON.parse(readFileSync(join(outdir, `${stacks.run.stackName}.assets.json`), 'utf8'));
      const images = Object.values(manifest.dockerImages) as Json[];
      assert.equal(images.length, 1);
      assert.equal(images[0]!.source.dockerFile, 'Dockerfile');
      assert.equal(images[0]!.source.platform, 'linux/amd64');
      const staged = join(outdir, images[0]!.source.directory);
      const entries = readdirSync(staged).sort();
      assert.deepEqual(entries, [
        '.dockerignore',
        'Dockerfile',
        'bin',
        'dbt',
        'include',
        'package-lock.json',
        'package.json',
        'src',
        'tsconfig.json',
      ]);
      assert.ok(existsSync(join(staged, 'dbt', 'dbt_project.yml')), 'the warehouse project is in the image');
      assert.ok(!existsSync(join(staged, 'dbt', 'target')), 'dbt/target must not reach the image');
    });

    it('runs the task with the runner role, its logs kept for the configured retention', () => {
      const [task] = resourcesOf(run(), 'AWS::ECS::TaskDefinition');
      assert.match(JSON.stringify(task!.TaskRoleArn), /RunnerRole/);
      assert.equal(task!.Cpu, String(config.taskCpu));
      assert.equal(task!.Memory, String(config.taskMemoryMiB));
      const environment = Object.fromEntries(
        task!.ContainerDefinitions[0].Environment.map((e: Json) => [e.Name, e.Value]),
      );
      assert.deepEqual(Object.keys(environment).sort(), [
        'MDW_ATHENA_REGION',
        'MDW_ATHENA_S3_DATA_DIR',
        'MDW_ATHENA_S3_STAGING_DIR',
        'MDW_ATHENA_WORK_GROUP',
        'MDW_RAW_S3_URI',
      ]);
      const logGroups = resourcesOf(run(), 'AWS::Logs::LogGroup');
      assert.equal(logGroups.length, 4); // task, daily, backfill, VPC flow logs
      for (const group of logGroups) assert.equal(group.RetentionInDays, config.logRetention);
      run().hasResourceProperties('AWS::ECS::Cluster', {
        ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
      });
    });

    it("schedules the daily state machine with the scheduled time (→ yesterday's partition)", () => {
      const [schedule] = resourcesOf(run(), 'AWS::Scheduler::Schedule');
      assert.equal(schedule!.ScheduleExpression, `cron(0 ${config.dailyRunHourUtc} * * ? *)`);
      assert.equal(schedule!.ScheduleExpressionTimezone, 'Etc/UTC');
      assert.equal(schedule!.State, config.scheduleEnabled ? 'ENABLED' : 'DISABLED');
      assert.match(schedule!.Target.Arn.Ref, /^Daily/);
      assert.deepEqual(JSON.parse(schedule!.Target.Input), {
        scheduledTime: '<aws.scheduler.scheduled-time>',
      });
      assert.ok(schedule!.Target.RetryPolicy.MaximumRetryAttempts > 0);
    });

    it('builds the day on Fargate with retries, backoff and a timeout, logging and tracing every run', () => {
      const { daily } = machines();
      const definition = definitionOf(daily);
      const build = definition.States.BuildDay;
      assert.equal(build.Resource, 'arn:<ref>:states:::ecs:runTask.sync');
      assert.equal(build.TimeoutSeconds, config.runTimeout.toSeconds());
      const [retry] = build.Retry;
      assert.ok(retry.ErrorEquals.includes('States.TaskFailed'));
      assert.ok(retry.MaxAttempts >= 1 && retry.BackoffRate > 1 && retry.IntervalSeconds > 0);
      const command = build.Arguments.Overrides.ContainerOverrides[0].Command;
      assert.deepEqual(command.slice(0, 6), ['build', '--profiles-dir', '.', '--target', 'athena', '--vars']);
      assert.match(command[6], /\$partition/);
      assert.ok(definition.TimeoutSeconds > config.runTimeout.toSeconds());
      for (const machine of Object.values(machines())) {
        assert.equal(machine.LoggingConfiguration.Level, 'ALL');
        assert.equal(machine.TracingConfiguration.Enabled, true);
      }
    });

    it('stops a daily build while another one of the same environment is running', () => {
      const definition = definitionOf(machines().daily);
      assert.equal(definition.States.CheckPartition.Choices[0].Next, 'ListRunningBuilds');
      const list = definition.States.ListRunningBuilds;
      assert.equal(list.Resource, 'arn:<ref>:states:::aws-sdk:sfn:listExecutions');
      assert.equal(
        list.Arguments.StateMachineArn,
        `arn:<ref>:states:<ref>:<ref>:stateMachine:mdw-${env}-daily`,
      );
      assert.equal(list.Arguments.StatusFilter, 'RUNNING');
      assert.equal(definition.States.CheckAlone.Choices[0].Next, 'BuildDay');
      assert.equal(definition.States.CheckAlone.Default, 'AnotherBuildRunning');
      assert.equal(machines().daily.StateMachineName, `mdw-${env}-daily`);
    });

    it('backfills a date range through the daily state machine with bounded concurrency', () => {
      const definition = definitionOf(machines().backfill);
      const map = definition.States.RunDays;
      assert.equal(map.Type, 'Map');
      assert.equal(map.MaxConcurrency, config.backfillConcurrency);
      assert.ok(map.MaxConcurrency >= 1);
      const runDay = map.ItemProcessor.States.RunDay;
      assert.equal(runDay.Resource, 'arn:<ref>:states:::states:startExecution.sync:2');
      assert.equal(runDay.Arguments.Input.partition, '{% $states.input %}');
    });

    it('alarms on failed, timed-out or aborted runs and on long runs, into an encrypted SNS topic', () => {
      const alarms = resourcesOf(run(), 'AWS::CloudWatch::Alarm');
      assert.equal(alarms.length, 3);
      for (const alarm of alarms) assert.match(JSON.stringify(alarm.AlarmActions), /AlarmTopic/);
      const failures = alarms.filter((a) =>
        a.Metrics?.some((m: Json) => m.Expression === 'failed + timedOut + aborted'),
      );
      assert.equal(failures.length, 2);
      for (const alarm of failures) {
        const metrics = alarm.Metrics.filter((m: Json) => m.MetricStat).map(
          (m: Json) => m.MetricStat.Metric.MetricName,
        );
        assert.deepEqual(metrics.sort(), ['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
        assert.equal(alarm.Threshold, 1);
      }
      const long = alarms.find((a) => a.MetricName === 'ExecutionTime')!;
      assert.equal(long.Threshold, config.longRunThreshold.toMilliseconds());
      assert.equal(long.Statistic, 'Maximum');
      const [topic] = resourcesOf(run(), 'AWS::SNS::Topic');
      assert.match(JSON.stringify(topic!.KmsMasterKeyId), /AlarmTopicKey/);
    });
  });
}

describe('alarm e-mail', () => {
  it('subscribes the address given as context alarmEmail', () => {
    const run = synthesized('dev', { alarmEmail: 'oncall@example.com' }).template('run');
    run.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });
});
