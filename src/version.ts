/** mdw's version, on its own so `mdw --version` loads nothing else. */
export const MDW_VERSION = '0.1.0';
