/** Strings of the screen page, in Chinese and English (merged into the app's under "screen"). */
export const zh = {};
export const en: typeof zh = {};
