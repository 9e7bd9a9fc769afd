/**
 * Run: the mdw container (built from the repository's Dockerfile at deploy time), a Fargate
 * task that runs `mdw build` on the athena target for one day, the daily state machine
 * started by EventBridge Scheduler with yesterday's `partition`, a backfill state machine over
 * a date range, and alarms on failed and long runs that notify an SNS topic.
 */
import { ArnFormat, Aspects, Duration, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { EnvConfig } from './config.js';
import { JustifiedWildcards, PLATFORM_WILDCARDS } from './nag.js';
import {
  ALONE,
  BACKFILL_DAYS,
  DAILY_PARTITION,
  DAY_PATTERN,
  MAX_BACKFILL_DAYS,
  MDW_VARS,
} from './run-expressions.js';

export interface RunStackProps extends StackProps {
  config: EnvConfig;
  /** repository root: Dockerfile + mdw + the dbt project */
  projectRoot: string;
  runnerRole: iam.IRole;
  /** MDW_ATHENA_* / MDW_RAW_S3_URI settings the athena target reads */
  environment: Record<string, string>;
  /** optional e-mail subscribed to the alarm topic (context alarmEmail) */
  alarmEmail?: string;
}

export class RunStack extends Stack {
  readonly image: ecrAssets.DockerImageAsset;
  readonly dailyStateMachine: sfn.StateMachine;
  readonly backfillStateMachine: sfn.StateMachine;
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: RunStackProps) {
    super(scope, id, props);
    const { config } = props;

    // Built and pushed by `cdk deploy`; synth only stages the build context.
    this.image = new ecrAssets.DockerImageAsset(this, 'MdwImage', {
      directory: props.projectRoot,
      file: 'Dockerfile',
      platform: ecrAssets.Platform.LINUX_AMD64,
    });

    const flowLogs = this.logGroup('FlowLogs', config);
    // Public subnets without NAT: the task only calls AWS APIs, and a NAT gateway would
    // cost more than the whole warehouse. S3 traffic stays on the gateway endpoint.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) } },
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'mdw task: no inbound traffic; outbound HTTPS to AWS APIs',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs');

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'BuildTask', {
      cpu: config.taskCpu,
      memoryLimitMiB: config.taskMemoryMiB,
      taskRole: props.runnerRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const container = taskDefinition.addContainer('mdw', {
      image: ecs.ContainerImage.fromDockerImageAsset(this.image),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'mdw', logGroup: this.logGroup('TaskLogs', config) }),
      environment: props.environment,
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The environment holds bucket URIs, the workgroup and the region — no secrets.',
    });

    const buildDay = tasks.EcsRunTask.jsonata(this, 'BuildDay', {
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      cluster,
      taskDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.LATEST }),
      assignPublicIp: true,
      subnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      containerOverrides: [
        {
          containerDefinition: container,
          command: ['build', '--profiles-dir', '.', '--target', 'athena', '--vars', MDW_VARS],
        },
      ],
      taskTimeout: sfn.Timeout.duration(config.runTimeout),
    });
    // A failed day is retried after 5 and then 10 minutes (late drops, throttling).
    buildDay.addRetry({
      errors: ['States.TaskFailed', 'States.Timeout', 'ECS.AmazonECSException'],
      interval: Duration.minutes(5),
      backoffRate: 2,
      maxAttempts: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });

    const resolveDay = sfn.Pass.jsonata(this, 'ResolveDay', {
      comment: 'partition from the input, else the day before the scheduled time',
      assign: { partition: DAILY_PARTITION },
    });
    const badDay = sfn.Fail.jsonata(this, 'BadPartition', {
      error: 'BadPartition',
      cause: 'Start the run with {"partition": "YYYYMMDD"} (or from the schedule).',
    });
    // Two builds of one warehouse must not overlap (a manual rerun during the scheduled run,
    // a backfill during the night): the later one stops, and the next run picks up its day.
    const dailyName = `mdw-${config.name}-daily`;
    // built from the name: the machine cannot reference its own ARN
    const dailyArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: dailyName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const listRunning = tasks.CallAwsService.jsonata(this, 'ListRunningBuilds', {
      service: 'sfn',
      action: 'listExecutions',
      parameters: {
        StateMachineArn: dailyArn,
        StatusFilter: 'RUNNING',
        MaxResults: 10,
      },
      iamAction: 'states:ListExecutions',
      iamResources: [dailyArn],
    });
    const overlapping = sfn.Fail.jsonata(this, 'AnotherBuildRunning', {
      error: 'AnotherBuildRunning',
      cause: 'Another daily build is running; this day is loaded by the next run (incremental).',
    });
    const checkAlone = sfn.Choice.jsonata(this, 'CheckAlone')
      .when(sfn.Condition.jsonata(ALONE), buildDay)
      .otherwise(overlapping);
    const checkDay = sfn.Choice.jsonata(this, 'CheckPartition')
      .when(sfn.Condition.jsonata(DAY_PATTERN), listRunning.next(checkAlone))
      .otherwise(badDay);
    this.dailyStateMachine = new sfn.StateMachine(this, 'Daily', {
      stateMachineName: dailyName,
      comment: 'mdw: build the warehouse for one day (partition YYYYMMDD)',
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(resolveDay.next(checkDay)),
      // three attempts of at most runTimeout each, plus the backoff
      timeout: Duration.minutes(config.runTimeout.toMinutes() * 3 + 30),
      tracingEnabled: true,
      logs: { destination: this.logGroup('DailyRunLogs', config), level: sfn.LogLevel.ALL },
    });

    const listDays = sfn.Pass.jsonata(this, 'ListDays', {
      comment: `every day from..to (YYYYMMDD, inclusive, at most ${MAX_BACKFILL_DAYS})`,
      assign: { days: BACKFILL_DAYS },
    });
    const badRange = sfn.Fail.jsonata(this, 'BadRange', {
      error: 'BadRange',
      cause: `Start the backfill with {"from": "YYYYMMDD", "to": "YYYYMMDD"}, from <= to, at most ${MAX_BACKFILL_DAYS} days.`,
    });
    const runDays = sfn.Map.jsonata(this, 'RunDays', {
      items: sfn.ProvideItems.jsonata('{% $days %}'),
      maxConcurrency: config.backfillConcurrency,
    });
    runDays.itemProcessor(
      tasks.StepFunctionsStartExecution.jsonata(this, 'RunDay', {
        stateMachine: this.dailyStateMachine,
        integrationPattern: sfn.IntegrationPattern.RUN_JOB,
        input: sfn.TaskInput.fromObject({ partition: '{% $states.input %}' }),
        associateWithParent: true,
      }),
    );
    const checkRange = sfn.Choice.jsonata(this, 'CheckRange')
      .when(sfn.Condition.jsonata('{% $type($days) = "array" and $count($days) > 0 %}'), runDays)
      .otherwise(badRange);
    this.backfillStateMachine = new sfn.StateMachine(this, 'Backfill', {
      comment: 'mdw: run the daily build for every day of a range, oldest first',
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(listDays.next(checkRange)),
      tracingEnabled: true,
      logs: { destination: this.logGroup('BackfillLogs', config), level: sfn.LogLevel.ALL },
    });

    new scheduler.Schedule(this, 'DailySchedule', {
      description: 'mdw: daily build of yesterday (UTC)',
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: String(config.dailyRunHourUtc),
        timeZone: TimeZone.ETC_UTC,
      }),
      enabled: config.scheduleEnabled,
      target: new schedulerTargets.StepFunctionsStartExecution(this.dailyStateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
        }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });

    const alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: `mdw ${config.name}: alarm topic`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    // CloudWatch must be able to publish to the encrypted topic.
    alarmKey.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `mdw ${config.name} alarms`,
      masterKey: alarmKey,
      enforceSSL: true,
    });
    if (props.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new cwActions.SnsAction(this.alarmTopic);

    for (const [name, machine] of [
      ['Daily', this.dailyStateMachine],
      ['Backfill', this.backfillStateMachine],
    ] as const) {
      const failures = new cloudwatch.MathExpression({
        label: `${name} runs failed, timed out or aborted`,
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: machine.metricFailed({ statistic: 'Sum' }),
          timedOut: machine.metricTimedOut({ statistic: 'Sum' }),
          aborted: machine.metricAborted({ statistic: 'Sum' }),
        },
        period: Duration.minutes(5),
      });
      const failed = failures.createAlarm(this, `${name}RunFailed`, {
        alarmDescription: `mdw ${config.name}: a ${name.toLowerCase()} run failed, timed out or was aborted`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      failed.addAlarmAction(notify);
    }
    const longRun = this.dailyStateMachine
      .metricTime({ statistic: 'Maximum', period: Duration.minutes(5) })
      .createAlarm(this, 'DailyRunLong', {
        alarmDescription: `mdw ${config.name}: a daily run took longer than ${config.longRunThreshold.toMinutes()} minutes`,
        threshold: config.longRunThreshold.toMilliseconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    longRun.addAlarmAction(notify);
    Aspects.of(this).add(new JustifiedWildcards(PLATFORM_WILDCARDS));
  }

  private logGroup(id: string, config: EnvConfig): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
  }
}
