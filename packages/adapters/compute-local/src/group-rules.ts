// The Compute port's shared rules, under the names this adapter uses.
export {
  groupNameProblems as nameProblems,
  groupSizeProblems as sizeProblems,
  assertNoProblems as assertValid,
  nextGroupSize as nextSize,
  pickSurplus,
  checkDesiredChange,
} from '@envmgr/ports';
