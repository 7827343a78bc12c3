/**
 * Service kinds (issue 19, item 1): the settings each kind takes and refuses.
 */
import { parseSettings } from '../settings/load';
import { scheduleExpressionProblem } from '../settings/service-kinds';
import { JOB, WEB, WORKER } from '../test-support/service-kind-fixtures';

/** Settings as a file would hold them, with `services` replaced. */
function withServices(services: Record<string, unknown>): Record<string, unknown> {
  return { app: 'fargate', environment: 'test', tier: 'development', services };
}

/** The message of parsing settings that must fail. */
function refusal(services: Record<string, unknown>): string {
  try {
    parseSettings(withServices(services), 'inline');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
}

describe('settings of service kinds', () => {
  it('defaults to web, so existing settings keep their meaning', () => {
    const settings = parseSettings(withServices({ app: WEB }), 'inline');
    expect(settings.services.app.kind).toBe('web');
  });

  it('accepts a worker and a scheduled job beside a web service, with their defaults', () => {
    const settings = parseSettings(
      withServices({
        app: WEB,
        mailer: WORKER,
        nightly: { ...JOB, schedule: { expression: 'rate(1 day)' } },
      }),
      'inline',
    );
    expect(settings.services.mailer.kind).toBe('worker');
    expect(settings.services.mailer.queue).toEqual({
      name: 'fargate-test-emails',
      messagesPerTask: 50,
      maxMessageAgeSeconds: 900,
    });
    expect(settings.services.nightly.schedule).toEqual({
      expression: 'rate(1 day)',
      timezone: 'UTC',
      retryAttempts: 2,
      maxEventAgeSeconds: 3600,
    });
  });

  it('refuses an unknown kind, naming the kinds', () => {
    expect(refusal({ app: { ...WEB, kind: 'cron' } })).toContain(
      'services.app.kind: got "cron"; expected "web" (behind the shared load balancer), "worker"',
    );
  });

  it('refuses, in one message, every setting a worker does not take, with path, value and what is allowed', () => {
    const message = refusal({
      app: WEB,
      mailer: {
        ...WORKER,
        routing: { paths: ['/mail/*'], priority: 10 },
        task: { ...WORKER.task, containerPort: 8080 },
        service: { healthCheckPath: '/health', requestCountPerTarget: 100, peakTasks: 4 },
      },
    });
    const lines = message.split('\n').filter((line) => line.includes('services.mailer'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'services.mailer.kind: got "worker"; these settings mean nothing for kind "worker": services.mailer.routing (got {"paths":["/mail/*"],"priority":10}), services.mailer.task.containerPort (got 8080), services.mailer.service.healthCheckPath (got "/health"), services.mailer.service.requestCountPerTarget (got 100), services.mailer.service.peakTasks (got 4); remove them. a worker takes image, task (without containerPort',
    );
  });

  it('refuses a setting for its kind even when it holds the default value', () => {
    expect(refusal({ mailer: { ...WORKER, service: { healthCheckGracePeriodSeconds: 60 } } })).toContain(
      'this setting means nothing for kind "worker": services.mailer.service.healthCheckGracePeriodSeconds (got 60); remove it. a worker takes',
    );
  });

  it('refuses every service and ECS setting a scheduled job does not take', () => {
    const message = refusal({
      nightly: {
        ...JOB,
        routing: { paths: ['/*'], priority: 1 },
        legacyNames: false,
        queue: { name: 'q', messagesPerTask: 1 },
        service: {
          desiredCount: 1,
          minCapacity: 1,
          maxCapacity: 2,
          scheduledScaling: [],
          deploymentAlarms: true,
          capacityProviders: [{ capacityProvider: 'FARGATE_SPOT' }],
        },
      },
    });
    expect(message).toContain(
      'services.nightly.kind: got "scheduled"; these settings mean nothing for kind "scheduled": services.nightly.routing (got {"paths":["/*"],"priority":1}), services.nightly.legacyNames (got false), services.nightly.queue (got {"name":"q","messagesPerTask":1}), services.nightly.service.desiredCount (got 1), services.nightly.service.minCapacity (got 1), services.nightly.service.maxCapacity (got 2), services.nightly.service.scheduledScaling (got []), services.nightly.service.deploymentAlarms (got true); remove them. a scheduled job takes image, task (without containerPort), schedule, regions, sidecars, egress, existingSecurityGroups and service.capacityProviders, service.enableExecuteCommand and service.paused',
    );
    expect(message).not.toContain('capacityProviders (got');
  });

  it('refuses queue and schedule on a web service', () => {
    expect(
      refusal({
        app: { ...WEB, queue: { name: 'q', messagesPerTask: 1 }, schedule: { expression: 'rate(1 day)' } },
      }),
    ).toContain(
      'services.app.kind: got "web"; these settings mean nothing for kind "web": services.app.queue (got {"name":"q","messagesPerTask":1}), services.app.schedule (got {"expression":"rate(1 day)"}); remove them. a web service takes image, task, service, routing, regions, legacyNames, sidecars, serviceConnect, egress and existingSecurityGroups; queue is for kind "worker", schedule for kind "scheduled"',
    );
  });

  it('requires routing of a web service, and says what a service without HTTP is', () => {
    expect(refusal({ app: { image: { tag: '1.0.0' } } })).toContain(
      'services.app.routing: got nothing; a web service needs its routing on the shared load balancer (hosts and/or paths, priority); a service that serves no HTTP is kind "worker" or "scheduled"',
    );
  });

  it('requires a container health check of a worker, saying why', () => {
    expect(refusal({ mailer: { ...WORKER, task: {} } })).toContain(
      'services.mailer.task.healthCheckCommand: got nothing; required for kind "worker": no load balancer checks a worker',
    );
  });

  it('requires the schedule of a scheduled job', () => {
    expect(refusal({ nightly: { ...JOB, schedule: undefined } })).toContain(
      'services.nightly.schedule: got nothing; required for kind "scheduled"',
    );
  });

  it('refuses a schedule expression Scheduler would refuse, and a time zone that is not IANA', () => {
    const message = refusal({
      nightly: { ...JOB, schedule: { expression: 'cron(0 2 * * *)', timezone: 'CET+1' } },
    });
    expect(message).toContain(
      'services.nightly.schedule.expression: got "cron(0 2 * * *)"; use cron(minutes hours day-of-month month day-of-week year), rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss); a cron expression has 6 fields, found 5',
    );
    expect(message).toContain(
      'services.nightly.schedule.timezone: got "CET+1"; expected an IANA time zone such as UTC, Europe/Dublin or America/New_York',
    );
  });

  it('refuses retry and window values outside what Scheduler takes', () => {
    const message = refusal({
      nightly: {
        ...JOB,
        schedule: { expression: 'rate(5 minutes)', retryAttempts: 186, maxEventAgeSeconds: 59 },
      },
    });
    expect(message).toContain('services.nightly.schedule.retryAttempts: got 186;');
    expect(message).toContain('services.nightly.schedule.maxEventAgeSeconds: got 59;');
  });

  it('refuses an unknown key in queue and schedule, listing the allowed ones', () => {
    expect(refusal({ mailer: { ...WORKER, queue: { ...WORKER.queue, arn: 'x' } } })).toContain(
      'services.mailer.queue.arn: unknown setting "arn"; allowed here: name, messagesPerTask, maxMessageAgeSeconds',
    );
    expect(refusal({ nightly: { ...JOB, schedule: { ...JOB.schedule, timeZone: 'UTC' } } })).toContain(
      'services.nightly.schedule.timeZone: unknown setting "timeZone"; allowed here: expression, timezone, flexibleWindowMinutes, retryAttempts, maxEventAgeSeconds',
    );
  });

  it('refuses a queue age limit outside 60 s to 14 days, naming the setting and the value', () => {
    for (const age of [59, 1209601, 90.5]) {
      const message = refusal({
        mailer: { ...WORKER, queue: { ...WORKER.queue, maxMessageAgeSeconds: age } },
      });
      expect(message).toContain(`services.mailer.queue.maxMessageAgeSeconds: got ${age};`);
    }
  });

  it('checks the survivor capacity and the routing rules of web services only', () => {
    // maxCapacity 1 in each of 2 regions cannot carry desiredCount 1 in each: refused for web only.
    const small = { minCapacity: 1, desiredCount: 1, maxCapacity: 1 };
    expect(refusal({ app: { ...WEB, service: small } })).toContain(
      'services.app.service.maxCapacity: got 1;',
    );
    expect(() =>
      parseSettings(withServices({ app: WEB, mailer: { ...WORKER, service: small } }), 'inline'),
    ).not.toThrow();
  });

  it.each([
    ['cron(0 2 * * ? *)', undefined],
    ['cron(0/15 8-18 ? * MON-FRI *)', undefined],
    ['cron(0 2 L * ? 2027)', undefined],
    ['rate(1 hour)', undefined],
    ['rate(5 minutes)', undefined],
    ['at(2027-01-31T23:59:00)', undefined],
    ['rate(1 hours)', 'singular unit with 1'],
    ['rate(0 minutes)', 'a whole number from 1'],
    ['rate(5 weeks)', 'a whole number from 1 and a unit'],
    ['at(2027-02-30T00:00:00)', 'is not a real date and time'],
    ['cron(0 2 * * * *)', 'exactly one of day-of-month'],
    ['cron(61 2 * * ? *)', 'the minutes field "61" is not valid'],
    ['cron(0 24 * * ? *)', 'the hours field "24" is not valid'],
    ['every day', 'use cron('],
  ])('schedule expression %s', (expression, problem) => {
    const found = scheduleExpressionProblem(expression);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});
