// One resolveInRoot for the whole engine: it lives in the runtime, which reads the image's /etc
// files with it; the container manager still imports it from here.
export { resolveInRoot } from '../runtime/resolve-in-root.js';
