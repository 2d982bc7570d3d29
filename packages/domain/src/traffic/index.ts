export {
  isRegistryName,
  isSliceActive,
  readUpstream,
  sliceOfHost,
  sliceOfName,
  slicePortsOf,
  sliceRecordsOf,
  TRAFFIC_SLICES,
  withHostStates,
  withSliceWeights,
  sliceWeightsOf,
  type SliceWeights,
  type SlicePorts,
  type TrafficSlice,
  type Upstream,
  type UpstreamHost,
  type UpstreamSliceRecord,
} from './upstreams.js';
export { describeUpstream, planToggle, toggleProblem, upstreamNamed, type ToggleInput, type TogglePlan, type ToggleRefusal, type UpstreamToggle } from './toggle.js';
export {
  buildRoutingTable,
  registryNamesOf,
  type LocationAction,
  type LocationMatch,
  type RoutedHost,
  type RoutedLocation,
  type RoutedUpstream,
  type RoutingProblem,
  type RoutingSource,
  type RoutingTable,
  type VirtualHost,
} from './routing.js';
export { hostnameOf, hostsFor, LOCALHOST_SUFFIX, parseSliceSelector, selectLocation, selectVirtualHost, upstreamPath, type SliceSelector } from './route-match.js';
export { renderNginxConfig, type NginxProblem, type NginxRender, type NginxRenderOptions, type NginxSource } from './nginx-config.js';
export { checkArguments, checkBalancedBlock, checkQuotable, checkToken, type SyntaxCheck } from './nginx-syntax.js';
