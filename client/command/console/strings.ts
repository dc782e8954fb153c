/** Strings of the console page, in Chinese and English (merged into the app's under "console"). */
export const zh = {};
export const en: typeof zh = {};
