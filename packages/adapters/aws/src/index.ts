export { createStsAccountCredentials, type StsAccountCredentialsOptions } from './sts-account-credentials.js';
export { applyIamSetup, type AppliedChange, type ApplyIamOptions, type RoleToApply } from './iam-setup-applier.js';
export { createAccountIamClients, type AccountIamClientsOptions } from './account-iam-clients.js';
