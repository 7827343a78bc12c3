/**
 * The labeller of the emulator's known wrong answers in a deploy's output (tools/emulator/label-diffs.ts),
 * on output as `cdktf deploy` prints it (the stack's name before some lines).
 */
import { KNOWN_DIFF_LABEL, diffLabeller } from '../tools/emulator/label-diffs';

const STACK = 'fargate-dev-simple';
const pad = ' '.repeat(STACK.length);

/** A plan as cdktf prints it: two resources updated in place. */
const OUTPUT = [
  `${STACK}  Terraform will perform the following actions:`,
  `${pad}    # aws_ecs_service.ECSService (ECSService) will be updated in-place`,
  `${pad}    ~ resource "aws_ecs_service" "ECSService" {`,
  `${pad}        + availability_zone_rebalancing      = "DISABLED"`,
  `${pad}          id                                 = "arn:aws:ecs:us-east-1:111111111111:service/c/s"`,
  `${pad}        ~ desired_count                      = 1 -> 2`,
  `${pad}          # (15 unchanged attributes hidden)`,
  `${pad}      }`,
  `${pad}    # aws_backup_vault.Vault (Vault) will be updated in-place`,
  `${pad}    ~ resource "aws_backup_vault" "Vault" {`,
  `${pad}        ~ tags                               = {`,
  `${pad}            + "owner" = "platform-team"`,
  `${pad}          }`,
  `${pad}      }`,
  `${pad}    Plan: 0 to add, 2 to change, 0 to destroy.`,
];

function label(lines: string[]): string[] {
  const labeller = diffLabeller(STACK);
  return lines.flatMap((line) => labeller.line(line));
}

describe('the known-diff labeller', () => {
  it('labels each attribute the emulator misreports, and only those', () => {
    const out = label(OUTPUT);
    const labelled = out.filter((line) => line.includes(KNOWN_DIFF_LABEL));
    expect(labelled).toEqual([
      expect.stringMatching(
        /\+ availability_zone_rebalancing += "DISABLED" +# emulator's known wrong answer .*: moto does not return/,
      ),
      expect.stringMatching(
        /~ tags += \{ +# emulator's known wrong answer .*: moto's ListTags expects a trailing slash/,
      ),
    ]);
    // a nested line of a known attribute is not a top-level attribute of its own
    expect(out.find((line) => line.includes('"owner"'))).not.toContain(KNOWN_DIFF_LABEL);
  });

  it('says after the plan which changes are the emulator’s alone, and which are not', () => {
    const out = label(OUTPUT);
    const plan = out.findIndex((line) => line.includes('Plan: 0 to add, 2 to change'));
    expect(out.slice(plan + 1)).toEqual([
      "emulator: 1 of the 2 to change differ only in the emulator's known wrong answers (KNOWN_DIFFS in tools/emulator/gaps.ts); against AWS they would not change: aws_backup_vault.Vault (tags)",
      'emulator: 1 to change is NOT among the known wrong answers: aws_ecs_service.ECSService (availability_zone_rebalancing, desired_count)',
    ]);
  });

  it('passes output without changes through untouched', () => {
    const lines = [
      `${STACK}  No changes. Your infrastructure matches the configuration.`,
      `${pad}  Apply complete! Resources: 0 added, 0 changed, 0 destroyed.`,
    ];
    expect(label(lines)).toEqual(lines);
    expect(label([`${pad}    Plan: 18 to add, 0 to change, 0 to destroy.`])).toEqual([
      `${pad}    Plan: 18 to add, 0 to change, 0 to destroy.`,
    ]);
  });

  it('does not label a resource that is replaced, only updates in place', () => {
    const out = label([
      `${pad}    # aws_ecs_service.ECSService (ECSService) must be replaced`,
      `${pad}  -/+ resource "aws_ecs_service" "ECSService" {`,
      `${pad}        + availability_zone_rebalancing      = "DISABLED"`,
    ]);
    expect(out.join('\n')).not.toContain(KNOWN_DIFF_LABEL);
  });
});
