/** What the traffic record tests share: the test settings they check records against, and a time. */
import { testSettings } from './synth';

/** The test settings (environment test, regions us-east-1 and eu-west-1). */
export const settings = testSettings();

/** An evacuation time, in the record's ISO 8601 UTC form. */
export const AT = '2026-12-03T14:40:00Z';
