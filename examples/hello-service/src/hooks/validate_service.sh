#!/bin/sh
# ValidateService: passes once GET / on the service's port answers with the deployed version (15 s at most).
set -eu
: "${EM_SERVICE_PORT:?EM_SERVICE_PORT is not set: the agent passes the port the service listens on}"
exec node --input-type=module - <<'JS'
const port = process.env.EM_SERVICE_PORT;
const want = process.env.EM_SERVICE_VERSION;
const deadline = Date.now() + 15_000;
let last = 'no answer yet';
for (;;) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    const body = await res.json();
    if (res.ok && (!want || body.version === want)) {
      console.log(`ValidateService: ${body.service} ${body.version} answers on port ${port}`);
      process.exit(0);
    }
    last = `HTTP ${res.status}, version ${body.version}${want ? ` (want ${want})` : ''}`;
  } catch (err) {
    last = err.cause?.code ?? err.message;
  }
  if (Date.now() > deadline) {
    console.error(`ValidateService: port ${port} did not answer with the right version within 15 s: ${last}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
JS
