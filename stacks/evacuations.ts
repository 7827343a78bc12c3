import { GlobalAccelerator } from '../constructs/global-accelerator';
import { TrafficRecord, evacuationNotice } from '../settings/traffic-record';

/**
 * Keeps every evacuated region of the traffic record out of the routine plan's traffic: each of its
 * endpoint groups (one per listener) gets traffic dial 0, whatever the settings say, and `report`
 * receives one line per evacuated region on every synthesis. Nothing else changes: the region's
 * resources stay in the one plan that covers every region. Returns the evacuated regions.
 */
export function applyEvacuations(
  accelerator: GlobalAccelerator,
  record: TrafficRecord,
  report: (line: string) => void,
): string[] {
  const regions = Object.keys(record.evacuated).sort();
  for (const region of regions) {
    const groups = accelerator.endpointGroups[region];
    // The record is validated against the settings' regions, which are the accelerator's endpoints.
    if (!groups) throw new Error(`traffic record: the accelerator has no endpoint group in ${region}`);
    for (const group of Object.values(groups)) group.trafficDialPercentage = 0;
    report(evacuationNotice(region, record.evacuated[region]));
  }
  return regions;
}
