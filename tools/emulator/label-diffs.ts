/**
 * Labels, in the output of `cdktf deploy` / `terraform apply` against the emulator, each planned
 * change that is one of the emulator's known wrong answers (`KNOWN_DIFFS` in gaps.ts), so a
 * no-change redeploy that reports "n to change" says which of them the emulator alone causes.
 */
import { KNOWN_DIFFS, KnownDiff } from './gaps';

/** What the labeller appends to an attribute line the emulator misreports. */
export const KNOWN_DIFF_LABEL = "# emulator's known wrong answer (tools/emulator/gaps.ts):";

interface Resource {
  readonly address: string;
  readonly type: string;
  /** Column of the resource line's change marker; its own attributes sit 4 columns further. */
  readonly markerColumn: number;
  readonly updatedInPlace: boolean;
  readonly attributes: Array<{ name: string; known: boolean }>;
}

/** A line transformer over the output, one line at a time (without its line break). */
export interface DiffLabeller {
  /** The lines to print for `line`: itself, labelled when it is a known diff, and after the plan's summary a verdict. */
  line(text: string): string[];
}

const HEADER = /# ([A-Za-z0-9_.[\]"-]+)(?: \([^)]*\))? (will be|must be)/;
const RESOURCE = /^(\s*)(?:[~+-]|-\/\+|\+\/-) resource "([^"]+)" "[^"]+" \{/;
const ATTRIBUTE = /^(\s*)(?:[~+-]|-\/\+|\+\/-) ([A-Za-z0-9_]+)\s*(?:=|\{)/;
const PLAN = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./;

/**
 * A labeller for the output of one stack's deploy; `prefix` is the stack name cdktf prints at the
 * start of some lines (replaced by spaces of its width before the columns are read).
 */
export function diffLabeller(prefix: string, known: readonly KnownDiff[] = KNOWN_DIFFS): DiffLabeller {
  const resources: Resource[] = [];
  let pending: { address: string; updatedInPlace: boolean } | undefined;
  let current: Resource | undefined;
  let reported = false;
  return {
    line(text: string): string[] {
      const body = text.startsWith(prefix) ? ' '.repeat(prefix.length) + text.slice(prefix.length) : text;
      const header = HEADER.exec(body);
      if (header) {
        pending = { address: header[1], updatedInPlace: / will be updated in-place/.test(body) };
        current = undefined;
        return [text];
      }
      const resource = RESOURCE.exec(body);
      if (resource && pending) {
        current = {
          address: pending.address,
          type: resource[2],
          markerColumn: resource[1].length,
          updatedInPlace: pending.updatedInPlace,
          attributes: [],
        };
        resources.push(current);
        pending = undefined;
        return [text];
      }
      const attribute = ATTRIBUTE.exec(body);
      if (attribute && current && attribute[1].length === current.markerColumn + 4) {
        const entry = known.find((k) => k.resourceType === current?.type && k.attribute === attribute[2]);
        current.attributes.push({ name: attribute[2], known: entry !== undefined });
        return [entry && current.updatedInPlace ? `${text}   ${KNOWN_DIFF_LABEL} ${entry.reason}` : text];
      }
      const plan = PLAN.exec(body);
      if (plan && !reported) {
        reported = true;
        current = undefined;
        return [text, ...verdict(resources, Number(plan[2]))];
      }
      return [text];
    },
  };
}

/** The lines after the plan's summary: which of the changes are the emulator's alone. */
function verdict(resources: readonly Resource[], toChange: number): string[] {
  if (toChange === 0) return [];
  const updates = resources.filter((r) => r.updatedInPlace);
  const onlyKnown = updates.filter((r) => r.attributes.length > 0 && r.attributes.every((a) => a.known));
  const others = updates.filter((r) => !onlyKnown.includes(r));
  const describe = (r: Resource) =>
    `${r.address} (${r.attributes.map((a) => a.name).join(', ') || 'no attribute shown'})`;
  const lines = [
    `emulator: ${onlyKnown.length} of the ${toChange} to change differ only in the emulator's known wrong answers (KNOWN_DIFFS in tools/emulator/gaps.ts); against AWS they would not change${onlyKnown.length ? `: ${onlyKnown.map(describe).join('; ')}` : ''}`,
  ];
  if (others.length) {
    lines.push(
      `emulator: ${others.length} to change ${others.length === 1 ? 'is' : 'are'} NOT among the known wrong answers: ${others.map(describe).join('; ')}`,
    );
  }
  return lines;
}
