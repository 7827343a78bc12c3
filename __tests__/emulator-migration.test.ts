/**
 * The upgrade from the single-service platform (before services) replaces nothing that holds data,
 * nor the running service: test-support/migration.ts.
 */
import { describeMigration } from '../test-support/migration';

describeMigration({ commit: '0ddfddb', description: 'the single-service release' });
