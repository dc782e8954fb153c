import type { Layer } from '../layers/Layer.ts';
import type { Telemetry } from '../twin/telemetry.ts';
import type { TwinStore } from '../twin/TwinStore.ts';
import type { SessionInfo } from '../../server/protocol/access.ts';

/** What the shell gives each command-center page. */
export interface CommandPageProps {
  store: TwinStore;
  telemetry: Telemetry;
  layers: readonly Layer[];
  info: SessionInfo;
}
