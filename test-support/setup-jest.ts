import { Testing } from 'cdktf';

// Registers cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...).
Testing.setupJest();
process.env.CHECKPOINT_DISABLE = '1';
