/** Hash routes (`#/containers/<id>/logs`): the page is one document, and a route survives a reload. */
import { useEffect, useState } from 'preact/hooks';

export function currentRoute(): string[] {
  const h = location.hash.replace(/^#\/?/, '');
  return h.split('/').filter(Boolean).map(decodeURIComponent);
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (...parts: string[]): string => '#/' + parts.map(encodeURIComponent).join('/');
export function go(...parts: string[]): void { location.hash = href(...parts); }
