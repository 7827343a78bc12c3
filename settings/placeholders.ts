/**
 * The placeholder values the shipped settings files carry (config/dev.json, config/prod.json) in
 * place of a real account and hosted zone. Synthesis works offline with them; a deploy of a
 * production environment that still holds them is refused before anything reaches AWS, and every
 * production synthesis says they are there.
 */

/** Set to `emulator` by the emulator command for its own deploys (its account is the settings' own). */
export const DEPLOY_TARGET_VARIABLE = 'PLATFORM_DEPLOY_TARGET';

/** Account IDs that are placeholders: the shipped ones, AWS's documentation example, one digit repeated. */
export function isPlaceholderAccount(accountId: string): boolean {
  return accountId === '123456789012' || /^(\d)\1{11}$/.test(accountId);
}

/** Hosted zone IDs that are placeholders: the shipped `ZPLACEHOLDER000000000`, or any naming itself one. */
export function isPlaceholderZone(zoneId: string): boolean {
  return /PLACEHOLDER|EXAMPLE/i.test(zoneId);
}

/** The parts of the settings that can hold placeholders. */
export interface PlaceholderSettings {
  readonly tier: string;
  readonly accountId?: string;
  readonly domain?: { readonly hostedZoneId?: string };
}

/** Each placeholder the settings still hold, as `accountId "222222222222"`. */
export function placeholdersIn(settings: PlaceholderSettings): string[] {
  const found: string[] = [];
  if (settings.accountId !== undefined && isPlaceholderAccount(settings.accountId)) {
    found.push(`accountId ${JSON.stringify(settings.accountId)}`);
  }
  const zone = settings.domain?.hostedZoneId;
  if (zone !== undefined && isPlaceholderZone(zone))
    found.push(`domain.hostedZoneId ${JSON.stringify(zone)}`);
  return found;
}

/** The line every synthesis of a production environment with placeholders prints, or undefined. */
export function placeholderWarning(settings: PlaceholderSettings, file: string): string | undefined {
  if (settings.tier !== 'production') return undefined;
  const found = placeholdersIn(settings);
  if (!found.length) return undefined;
  return `settings: warning: ${file} still holds the shipped placeholder ${found.join(' and ')}; fine for synth and the offline plan, but replace ${found.length > 1 ? 'them' : 'it'} with your own before the first deploy (npm run deploy refuses ${found.length > 1 ? 'them' : 'it'})`;
}

/** Why a deploy of these settings is refused, or undefined. */
export function placeholderDeployProblem(settings: PlaceholderSettings, file: string): string | undefined {
  if (settings.tier !== 'production') return undefined;
  const found = placeholdersIn(settings);
  if (!found.length) return undefined;
  return `${file}: tier "production" still holds the shipped placeholder ${found.join(' and ')}: AWS would refuse the account, or fail half-way through the apply on the zone; set your account ID and hosted zone ID (or domain.createZone) before deploying. Nothing was deployed.`;
}
