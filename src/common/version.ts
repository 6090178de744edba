/** berth's own version, reported by /version and `berth version`. */
export const BERTH_VERSION = '0.1.0';
