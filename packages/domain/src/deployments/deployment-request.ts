/** The field checks of a deployment request (SPEC §5 "Request" and the first three "Validation" steps). Pure. */
import { checkCanary } from './canary-plan.js';
import { refuseDeployment, type CheckedDeploymentRequest, type DeploymentMode, type DeploymentRefusal, type DeploymentRequest, type Slice } from './deployment.js';

/** Semantic versioning 2.0.0, as SPEC §5 asks of `version`. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export const MAX_VERSION_LENGTH = 100;

const MODES: Readonly<Record<string, DeploymentMode>> = { overwrite: 'overwrite', bluegreen: 'bluegreen', bg: 'bluegreen' };
const SLICES: readonly Slice[] = ['none', 'blue', 'green'];

const norm = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim().toLowerCase());

/**
 * Checks the request's own fields, in SPEC §5's order: the version (required, semver, ≤ 100 characters); overwrite
 * needs slice none (`slice-not-allowed`); a known mode (`unknown-mode`); blue/green needs blue or green
 * (`slice-required`). Mode and slice compare ignoring case; `bg` means `bluegreen`.
 *
 * The later steps need stored state and come after this, in SPEC order: package found and deploy lock (application
 * layer), then `planDeployment` (unknown environment or service, server role, FleetPerSlice), then the check for
 * another deployment in progress (application layer).
 */
export function checkDeploymentRequest(req: DeploymentRequest): { ok: true; request: CheckedDeploymentRequest } | DeploymentRefusal {
  const version = req.version.trim();
  if (version.length > MAX_VERSION_LENGTH || !SEMVER.test(version)) {
    return refuseDeployment('invalid', 'invalid-version', `version '${req.version}' is not a semantic version of at most ${MAX_VERSION_LENGTH} characters, such as 1.2.3 or 1.2.3-beta.1`, { version: req.version });
  }
  const modeText = norm(req.mode) ?? 'overwrite';
  const sliceText = norm(req.slice) ?? 'none';
  if (modeText === 'overwrite' && sliceText !== 'none') {
    return refuseDeployment('invalid', 'slice-not-allowed', `an overwrite deployment replaces the service in place and takes slice none, not '${req.slice}'; leave slice out, or deploy with mode bluegreen`, { mode: 'overwrite', slice: req.slice });
  }
  const mode = MODES[modeText];
  if (!mode) {
    return refuseDeployment('invalid', 'unknown-mode', `mode '${req.mode}' is not one of overwrite, bluegreen (or bg)`, { mode: req.mode });
  }
  const slice = SLICES.find((s) => s === sliceText);
  if (mode === 'bluegreen' && (slice === undefined || slice === 'none')) {
    return refuseDeployment('invalid', 'slice-required', `a blue/green deployment needs slice blue or green, not '${req.slice ?? 'none'}'`, { mode, slice: req.slice ?? 'none' });
  }
  const request: CheckedDeploymentRequest = {
    environment: req.environment.trim(),
    service: req.service.trim(),
    version,
    mode,
    slice: slice ?? 'none',
  };
  if (req.canary !== undefined) {
    if (mode !== 'bluegreen') {
      return refuseDeployment('invalid', 'canary-needs-bluegreen', 'a canary moves traffic between the blue and green slices: deploy with mode bluegreen and the inactive slice', { mode });
    }
    const canary = checkCanary(req.canary);
    if (!canary.ok) return refuseDeployment('invalid', 'invalid-canary', `${canary.path} ${canary.message}`, { path: canary.path });
    request.canary = canary.plan;
  }
  const role = req.serverRole?.trim();
  if (role) request.serverRole = role;
  if (req.requestedBy !== undefined) request.requestedBy = req.requestedBy;
  return { ok: true, request };
}
