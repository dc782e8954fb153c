/** Strings of the director page, in Chinese and English (merged into the app's under "director"). */
export const zh = {};
export const en: typeof zh = {};
