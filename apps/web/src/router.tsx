import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/*
 * A small history-based router: the server answers every client path with index.html, so a reload or a shared link
 * lands on the same page. Routes are matched with `:param` patterns.
 */

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
let listening = false;

function subscribe(listener: () => void): () => void {
  if (!listening) {
    window.addEventListener('popstate', notify);
    listening = true;
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Goes to `to` (a path with an optional query) without reloading the page. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

const current = () => window.location.pathname + window.location.search;

/** The current path and query; re-renders on every navigation. */
export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, current, current);
  const [path = '/', search = ''] = href.split('?');
  return { path, query: new URLSearchParams(search) };
}

/** The parameters of `pattern` (`/environments/:name`) in `path`, or undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const re = new RegExp(
    `^${pattern.replace(/\/:([A-Za-z]+)/g, (_m, name: string) => {
      names.push(name);
      return '/([^/]+)';
    })}/?$`,
  );
  const m = re.exec(path);
  if (!m) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
}

/** A link that navigates in the app; a modified click (new tab, download) is left to the browser. */
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} {...rest} onClick={onClick}>
      {children}
    </a>
  );
}

/** `/a/b` with each part encoded. */
export function pathOf(...parts: string[]): string {
  return `/${parts.map(encodeURIComponent).join('/')}`;
}
