import { describe, expect, it } from 'vitest';
import { renderAgentUserData } from './agent-user-data.js';

describe('agent user data', () => {
  const bootstrap = { registryUrl: 'http://consul.internal:8500', serverUrl: 'https://envmgr.internal', tokenParameter: '/envmgr/agent-token' };

  it("writes the registry and EM addresses and the group's tags into the agent's environment, and starts it", () => {
    const script = renderAgentUserData({ bootstrap, tags: { Environment: 'c50', Role: 'Web-blue' }, namePrefix: 'c50-in' });
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain('ENVMGR_REGISTRY_URL="http://consul.internal:8500"');
    expect(script).toContain('ENVMGR_SERVER="https://envmgr.internal"');
    expect(script).toContain('EM_TAG_Environment="c50"\nEM_TAG_Role="Web-blue"');
    expect(script).toContain('Key=Name,Value=c50-in-${ID#i-}');
    expect(script).toContain("--name '/envmgr/agent-token'");
    expect(script).toContain('systemctl enable --now envmgr-agent');
  });

  it('keeps tag values inert: nothing in them is expanded by the shell or breaks the file', () => {
    const script = renderAgentUserData({ bootstrap, tags: { 'Contact Email': 'a"b\\c $(reboot)\nX=1' }, namePrefix: 'p' });
    expect(script).toContain('EM_TAG_ContactEmail="a\\"b\\\\c $(reboot) X=1"');
    // the values sit in a quoted here-document, where the shell expands nothing
    expect(script).toContain("cat > /etc/envmgr/agent.env <<'ENV'");
  });
});
