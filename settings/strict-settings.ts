import { z } from 'zod';
import { shorten } from './quote';

/**
 * A strict object of settings: an unknown key is an error that lists the keys allowed at that place,
 * so a typo (`vpcCird`) fails loudly instead of silently falling back to a default. `moved` says,
 * for a key that used to be allowed here, where it went.
 */
export function strictSettings<T extends z.ZodRawShape>(shape: T, moved: Record<string, string> = {}) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const where = [
        ...new Set(issue.keys.filter((key) => Object.hasOwn(moved, key)).map((key) => moved[key])),
      ];
      const unknown = `unknown setting ${issue.keys.map((key) => shorten(key)).join(', ')}`;
      return where.length > 0
        ? `${unknown}; ${where.join('; ')}; allowed here: ${allowed}`
        : `${unknown}; allowed here: ${allowed}`;
    },
  });
}
