/**
 * The dashboard's HTTP contract, shared by the server (src/ui) and the browser code (web/), so the two
 * cannot drift apart. The page is served from the same origin as these paths.
 *
 * - `GET /`, `GET /assets/*`: the page and its bundle (dist/ui), with a CSP that allows only same-origin scripts.
 * - `POST /ui/login` `{ token }`: a one-time token (from `berth ui`) for an HttpOnly, SameSite=Strict session
 *   cookie; answers `{ csrf }`. `GET /ui/session` answers `{ csrf }` while the session lives, else 401.
 *   `POST /ui/logout` ends it.
 * - `/engine/<Engine API path>` (e.g. `/engine/containers/json`, `/engine/berth/images/{name}/sbom`): the Engine API
 *   and berth's own endpoints, passed through unchanged (streams included: logs, stats, events, pull progress).
 *   Every request needs the session cookie; every state-changing one (not GET/HEAD) also the CSRF header.
 * - WebSockets (`/engine/containers/{id}/attach/ws`, `/ui/exec/{execId}/ws`): the cookie, a same-origin
 *   `Origin` header, and the CSRF token as the `csrf` query parameter (a browser cannot set headers on them).
 */
export const UI_SESSION_COOKIE = 'berth_ui_session';
export const UI_CSRF_HEADER = 'x-berth-csrf';
export const UI_CSRF_QUERY = 'csrf';
export const UI_ENGINE_PREFIX = '/engine';
export const UI_LOGIN_PATH = '/ui/login';
export const UI_SESSION_PATH = '/ui/session';
export const UI_LOGOUT_PATH = '/ui/logout';
/** the exec terminal: a WebSocket to an exec instance created through /engine/containers/{id}/exec */
export const UI_EXEC_WS_PATH = '/ui/exec/{id}/ws';
/** `berth ui` puts the one-time token in the URL's fragment, which the browser never sends to a server */
export const UI_TOKEN_FRAGMENT = 'token';
