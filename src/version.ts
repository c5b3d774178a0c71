/** Kiln's version, recorded in bundles and reported by the CLI and server. */
export const KILN_VERSION = '0.1.0';
