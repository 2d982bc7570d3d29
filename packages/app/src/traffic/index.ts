export type { TrafficDeps } from './traffic-deps.js';
export { getServiceTraffic, getUpstreamSlices, type ServiceTraffic } from './slices.js';
export { serviceToggleResource, toggleServiceSlices, toggleUpstreamSlices, TRAFFIC_TOGGLED, upstreamToggleResource, type ToggleResult } from './toggle-slices.js';
export { loadRoutingTable, ROUTING_TYPES } from './routing-table.js';
