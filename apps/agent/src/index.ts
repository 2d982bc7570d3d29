export { loadAgentConfig, type AgentConfig, type ConfigResult } from './config.js';
export { runAgent, createBackoff } from './agent.js';
