/**
 * The upgrade from the release before FargateService was split into its parts (task roles, task
 * definition, security group rules, scaling; commit 4533e04, which already ran several services)
 * replaces nothing that holds data, nor a running service: test-support/migration.ts.
 */
import { describeMigration } from '../test-support/migration';

describeMigration({ commit: '4533e04', description: 'the release before the FargateService parts' });
