// first: it starts the page's requests before the modules below are set up
import { earlyRequests } from './early.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { browserClient, SessionProvider } from './session/session.js';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <SessionProvider client={browserClient(earlyRequests.fetch)}>
        <App />
      </SessionProvider>
    </StrictMode>,
  );
}
