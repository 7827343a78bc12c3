import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { vpcFlowLogs } from '../../policies/rules/vpc-flow-logs';
import { ruleResults } from '../../test-support/policy';

const destination = { logDestinationType: 's3', logDestination: 'arn:aws:s3:::flow-logs' };

describe('rule vpc-flow-logs', () => {
  it('passes a VPC with a flow log, fails one without or with only accepted traffic or subnet logs', () => {
    // GIVEN four VPCs: logged (ALL), unlogged, logged for ACCEPT only, and logged only on a subnet
    const results = ruleResults(vpcFlowLogs, (scope, provider) => {
      const vpc = (id: string) => new Vpc(scope, id, { provider, cidrBlock: '10.0.0.0/16' });
      new FlowLog(scope, 'LoggedLog', {
        provider,
        ...destination,
        vpcId: vpc('Logged').id,
        trafficType: 'ALL',
      });
      vpc('Unlogged');
      new FlowLog(scope, 'AcceptLog', {
        provider,
        ...destination,
        vpcId: vpc('AcceptOnly').id,
        trafficType: 'ACCEPT',
      });
      const subnet = new Subnet(scope, 'Subnet', {
        provider,
        vpcId: vpc('SubnetOnly').id,
        cidrBlock: '10.0.1.0/24',
      });
      new FlowLog(scope, 'SubnetLog', { provider, ...destination, subnetId: subnet.id, trafficType: 'ALL' });
    });
    // WHEN checked THEN
    expect(results).toEqual({
      Logged: 'compliant',
      Unlogged: 'non-compliant',
      AcceptOnly: 'non-compliant',
      SubnetOnly: 'non-compliant',
    });
  });
});
