/**
 * .dockerignore-style patterns as the builder reads them (builder/context/dockerignore.ts), for clients
 * that match paths on this side: `compose watch` ignores what the build context ignores.
 */
export { PatternMatcher, readIgnoreFile } from '../builder/context/dockerignore.js';
