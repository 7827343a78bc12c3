/** The regions settings default to, us-east-1 then eu-west-1, as a settings file writes them. */
export const twoRegions = [
  { name: 'us-east-1', vpcCidr: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
  { name: 'eu-west-1', vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
];
