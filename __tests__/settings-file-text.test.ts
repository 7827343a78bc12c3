/**
 * Settings files read as a person wrote them: a syntax error at its line and column, a key given
 * twice refused with both lines, control characters refused, and every message true about the
 * value it echoes. Each refusal has its ordinary counterpart that passes.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkJsonText } from '../settings/json-text';
import { SettingsError, parseSettingsText } from '../settings/load';
import { httpPathProblem, mountPathProblem } from '../settings/path-settings';

const root = path.resolve(__dirname, '..');
const DEV_TEXT = readFileSync(path.join(root, 'config', 'dev.json'), 'utf8');

function refusal(text: string): string {
  try {
    parseSettingsText(text, 'config/dev.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('expected the settings to be refused');
}

/** The shipped dev settings with `edit` applied to the parsed object, pretty-printed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the parsed file freely
type Loose = Record<string, any>;

function devWith(edit: (settings: Loose) => void): string {
  const settings = JSON.parse(DEV_TEXT) as Loose;
  edit(settings);
  return JSON.stringify(settings, null, 2);
}

describe('duplicate keys', () => {
  it('refuses a top-level key given twice, naming both lines', () => {
    // GIVEN the dev file with a second "logRetentionDays" near its end (JSON.parse keeps the last)
    const text = DEV_TEXT.replace(/\n}\s*$/, ',\n  "logRetentionDays": 7\n}\n');
    const first = DEV_TEXT.split('\n').findIndex((line) => line.includes('"logRetentionDays"')) + 1;
    const second = text.split('\n').length - 2;
    // WHEN read THEN
    expect(refusal(text)).toBe(
      `config/dev.json: invalid settings\n  logRetentionDays: set twice, at line ${first} and at line ${second}; JSON keeps only the last one, so one of them would be ignored without a word: keep one`,
    );
  });

  it('refuses a nested key given twice with its path, also when one is written with escapes', () => {
    const text =
      '{\n  "services": {\n    "api": {\n      "service": {\n        "desiredCount": 2,\n        "desired\\u0043ount": 3\n      }\n    }\n  }\n}';
    expect(checkJsonText(text)).toEqual([
      { path: ['services', 'api', 'service'], key: 'desiredCount', firstLine: 5, secondLine: 6 },
    ]);
    expect(refusal(text)).toContain(
      '  services.api.service.desiredCount: set twice, at line 5 and at line 6;',
    );
  });

  it('refuses a service given twice in services, naming both lines', () => {
    // GIVEN the dev file with a second "api" service at the end of services (JSON.parse keeps the last)
    const text = DEV_TEXT.replace(
      '\n  },\n  "efs"',
      ',\n    "api": { "image": { "tag": "0.2.0" }, "routing": { "paths": ["/v2/*"], "priority": 101 } }\n  },\n  "efs"',
    );
    expect(text).not.toBe(DEV_TEXT);
    const lines = text.split('\n');
    const first = lines.findIndex((line) => line.startsWith('    "api": {')) + 1;
    const second = lines.findIndex((line) => line.startsWith('    "api": { "image"')) + 1;
    expect(second).toBeGreaterThan(first);
    expect(refusal(text)).toContain(
      `  services.api: set twice, at line ${first} and at line ${second}; JSON keeps only the last one`,
    );
  });

  it('accepts the same key in different objects, and the shipped files', () => {
    expect(checkJsonText('{"a": {"name": 1}, "b": {"name": 2}, "c": [{"name": 1}, {"name": 2}]}')).toEqual(
      [],
    );
    for (const environment of ['dev', 'prod']) {
      const text = readFileSync(path.join(root, 'config', `${environment}.json`), 'utf8');
      expect(checkJsonText(text)).toEqual([]);
      expect(parseSettingsText(text, `config/${environment}.json`).environment).toBe(environment);
    }
  });
});

describe('syntax errors', () => {
  it.each([
    [
      'a missing comma',
      '{\n  "app": "fargate"\n  "environment": "dev"\n}',
      'line 3, column 3: expected "," or "}" after a property value, found "\\""',
    ],
    [
      'a trailing comma',
      '{\n  "app": "fargate",\n}',
      'line 3, column 1: expected a property name in double quotes, found "}"',
    ],
    [
      'a single-quoted string',
      "{\n  'app': 1\n}",
      'line 2, column 3: expected a property name in double quotes, found "\'"',
    ],
    [
      'a cut-off file',
      '{\n  "app": ',
      'line 2, column 10: expected a value (object, array, string, number, true, false or null), found the end of the file',
    ],
    [
      'NaN',
      '{\n  "logRetentionDays": NaN\n}',
      'line 2, column 23: expected a value (object, array, string, number, true, false or null), found "N"',
    ],
    [
      'a raw tab inside a string',
      '{\n  "app": "farg\tate"\n}',
      'line 2, column 15: expected a character of the string',
    ],
    ['a bad escape', '{\n  "app": "a\\qb"\n}', 'line 2, column 13: expected an escape'],
    [
      'two values',
      '{}\n{}',
      'line 2, column 1: expected the end of the file after the settings object, found "{"',
    ],
  ])('gives the line and column of %s', (_what, text, expected) => {
    const message = refusal(text);
    expect(message.startsWith(`config/dev.json: not valid JSON (${expected}`)).toBe(true);
    expect(message).not.toMatch(/position \d+/);
  });

  it('counts columns from the start of the line, after a byte order mark', () => {
    expect(refusal('\ufeff{\n  "app": }')).toContain('(line 2, column 10: expected a value');
  });

  it('refuses deep nesting while reading, without overflowing the stack', () => {
    expect(refusal('['.repeat(100_000) + ']'.repeat(100_000))).toMatch(
      /^config\/dev\.json: not valid JSON \(line 1, column 66: nested more than 64 levels deep/,
    );
  });

  it('reads every valid JSON form JSON.parse reads', () => {
    const text = '{"a": [1, -0.5, 2e10, 1E-3, true, false, null, "\\u00e9\\n\\"\\\\\\/"], "b": {}, "c": []}';
    expect(checkJsonText(text)).toEqual([]);
    expect(() => JSON.parse(text)).not.toThrow();
  });
});

describe('control characters', () => {
  it.each([
    ['a line break', 'line\nbreak'],
    ['a tab', 'a\tb'],
    ['a terminal escape', 'owner\u001b[31m'],
    ['DEL', 'a\u007f'],
    ['a Unicode line separator', 'a\u2028b'],
  ])('refuses %s in a value, echoed escaped, naming where it is', (_what, value) => {
    const message = refusal(devWith((s) => (s.tags.owner = value)));
    expect(message).toContain(
      `  tags.owner: got ${JSON.stringify(value).replace(/[\u007f\u2028]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}; the value holds a control character (U+`,
    );
    expect(message).toContain('settings take one line of text, without control characters');
    // eslint-disable-next-line no-control-regex -- the point
    expect(message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u2028]/);
  });

  it('refuses a control character in a key, echoed escaped', () => {
    expect(refusal(devWith((s) => (s.tags['team\u0007'] = 'x')))).toContain(
      'tags["team\\u0007"]: got "team\\u0007"; tag keys take letters',
    );
  });

  it('accepts ordinary text: accents, emoji, quotes, punctuation', () => {
    const reason = 'L’image « vendor » écrit son cache 🚀 sous /var/lib (ticket #42, 50%)';
    const settings = parseSettingsText(
      devWith((s) => {
        s.services.api.task.readonlyRootFilesystem = false;
        s.services.api.task.writableRootFilesystemReason = reason;
      }),
      'config/dev.json',
    );
    expect(settings.services.api.task.writableRootFilesystemReason).toBe(reason);
  });
});

describe('messages true to the value they echo', () => {
  it('says a health check path with a space has a space, not that it lacks a leading /', () => {
    const message = refusal(devWith((s) => (s.services.api.service.healthCheckPath = '/health check')));
    expect(message).toContain(
      '  services.api.service.healthCheckPath: got "/health check"; character 8 (" ", white space) cannot be in the path: an HTTP path has no spaces or other non-printable characters (write a space as %20)',
    );
    expect(message).not.toContain('starting with /');
  });

  it.each([
    ['health', 'expected a path starting with /, such as /health'],
    ['/' + 'a'.repeat(1024), 'is 1025 characters long; a health check path has at most 1024'],
  ])('refuses the health check path %s for what it is', (value, expected) => {
    expect(httpPathProblem(value)).toBe(expected);
  });

  it.each(['/', '/health', '/status?full=1', '/api/v1/health-check', '/é'])(
    'accepts the health check path %s',
    (value) => {
      expect(httpPathProblem(value)).toBeUndefined();
    },
  );

  it.each([
    ['tmp', 'expected an absolute path such as /tmp'],
    ['/', 'the root folder itself cannot be a writable path; name a folder such as /tmp'],
    [
      '/tmp/my cache',
      'character 8 (" ", white space) cannot be in a writable path: use letters, digits, ".", "_", "-" and "/"',
    ],
    ['/tmp/', 'ends with "/": write the folder without a trailing slash, such as /tmp'],
  ])('refuses the writable path %j for what it is', (value, expected) => {
    expect(mountPathProblem(value)).toBe(expected);
    expect(refusal(devWith((s) => (s.services.app.task.writablePaths = [value])))).toContain(
      `  services.app.task.writablePaths[0]: got ${JSON.stringify(value)}; ${expected}`,
    );
  });

  it.each(['/tmp', '/var/cache/app', '/home/app/.cache'])('accepts the writable path %s', (value) => {
    expect(mountPathProblem(value)).toBeUndefined();
  });
});
