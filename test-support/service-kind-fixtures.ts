/** Services of each kind as a settings file holds them: a web service, a worker and a scheduled job. */
export const WEB = { image: { tag: '1.0.0' }, routing: { paths: ['/*'], priority: 50000 } };
export const WORKER = {
  kind: 'worker' as const,
  image: { tag: '2.0.0' },
  task: { healthCheckCommand: ['CMD-SHELL', 'test -f /tmp/alive || exit 1'] },
  service: { minCapacity: 1, desiredCount: 1, maxCapacity: 8 },
  queue: { name: 'fargate-test-emails', messagesPerTask: 50 },
};
export const JOB = {
  kind: 'scheduled' as const,
  image: { tag: '3.0.0' },
  task: { command: ['node', 'nightly.js'] },
  schedule: {
    expression: 'cron(0 2 * * ? *)',
    timezone: 'Europe/Dublin',
    flexibleWindowMinutes: 15,
    retryAttempts: 3,
    maxEventAgeSeconds: 7200,
  },
};
