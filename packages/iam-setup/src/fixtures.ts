import type { IamSetupInput } from './input.js';

/** A master, two application children, a sandbox, and the security and logs accounts of seed 002. */
export const SAMPLE_INPUT: IamSetupInput = {
  region: 'eu-west-1',
  master: '111111111111',
  accounts: [
    { name: 'prod', number: '333333333333', purpose: 'application', organizationalUnit: 'travel' },
    { name: 'master', number: '111111111111', purpose: 'shared-services' },
    { name: 'dev', number: '222222222222', purpose: 'application', organizationalUnit: 'travel' },
    { name: 'security', number: '000000000001', purpose: 'security' },
    { name: 'logs', number: '000000000002', purpose: 'logs' },
  ],
  buckets: { config: 'em-config', secure: 'em-secure', backup: 'em-backup', logs: 'em-deploy-logs', deploy: 'em-packages' },
};
