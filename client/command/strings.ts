/** The command center's strings, one module per page, merged into the app's resources. */
import * as consoleStrings from './console/strings.ts';
import * as director from './director/strings.ts';
import * as review from './review/strings.ts';
import * as screen from './screen/strings.ts';
import * as shared from './shared/strings.ts';

export const commandZh = { screen: screen.zh, director: director.zh, console: consoleStrings.zh, review: review.zh, command: shared.zh };
export const commandEn: typeof commandZh = { screen: screen.en, director: director.en, console: consoleStrings.en, review: review.en, command: shared.en };
