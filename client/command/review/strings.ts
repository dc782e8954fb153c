/** Strings of the review page, in Chinese and English (merged into the app's under "review"). */
export const zh = {};
export const en: typeof zh = {};
