import { render } from '@testing-library/react';
import { App } from '../app.js';
import { SessionProvider } from '../session/session.js';
import { fakeClient, type FakeRoutes } from './fake-api.js';

/** Renders the whole app at `path` over the typed client on a fake API; returns the fake, to look at the requests. */
export function renderAt(path: string, routes: FakeRoutes): ReturnType<typeof fakeClient> {
  window.history.pushState(null, '', path);
  const fake = fakeClient(routes);
  render(
    <SessionProvider client={fake.client}>
      <App />
    </SessionProvider>,
  );
  return fake;
}
