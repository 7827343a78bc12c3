/**
 * Path settings whose refusal says what is really wrong with the value: a missing leading slash,
 * a space or another character the path cannot hold (and where), a trailing slash, the length.
 */
import { z } from 'zod';
import { quote } from './quote';

/** Where the first character `allowed` rejects sits, as `character N (" ")`. */
function firstBad(value: string, allowed: RegExp): string | undefined {
  const index = [...value].findIndex((c) => !allowed.test(c));
  if (index < 0) return undefined;
  const c = [...value][index];
  return `character ${index + 1} (${/\s/.test(c) ? `${quote(c)}, white space` : quote(c)})`;
}

/** Why `value` is not an HTTP path for an ALB health check (`/`, `/health`, `/status?full=1`), or undefined. */
export function httpPathProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return 'expected a path starting with /, such as /health';
  const bad = firstBad(value, /[^\s\p{Cc}]/u);
  if (bad)
    return `${bad} cannot be in the path: an HTTP path has no spaces or other non-printable characters (write a space as %20)`;
  if (value.length > 1024) return `is ${value.length} characters long; a health check path has at most 1024`;
  return undefined;
}

/** Why `value` is not an absolute folder path a task can mount (`/tmp`, `/var/cache/app`), or undefined. */
export function mountPathProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return 'expected an absolute path such as /tmp';
  if (value === '/') return 'the root folder itself cannot be a writable path; name a folder such as /tmp';
  const bad = firstBad(value, /[A-Za-z0-9._/-]/);
  if (bad) return `${bad} cannot be in a writable path: use letters, digits, ".", "_", "-" and "/"`;
  if (value.endsWith('/')) return 'ends with "/": write the folder without a trailing slash, such as /tmp';
  return undefined;
}

/** A string checked by `problem`, refused with its message and the value echoed. */
export function checkedPath(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message, params: { value } });
  });
}
