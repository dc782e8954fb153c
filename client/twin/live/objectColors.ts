/** Colours of moving objects by ObjectKind, shared by both views so a bus looks the same in each. */
import { ObjectKind } from '../../../server/protocol/ObjectState.ts';

/** CSS colour per ObjectKind value; unknown kinds (from a newer server) use the last entry. */
export const OBJECT_KIND_COLORS: readonly string[] = (() => {
  const colors: string[] = [];
  colors[ObjectKind.car] = '#ffe27a';
  colors[ObjectKind.bus] = '#4fd1ff';
  colors[ObjectKind.truck] = '#ff9f43';
  colors[ObjectKind.emergency] = '#ff4d5e';
  colors[ObjectKind.responder] = '#ff6bd6';
  colors[ObjectKind.person] = '#9dff8a';
  colors.push('#ffffff');
  return colors;
})();

/** The colour of an object kind. */
export function objectKindColor(kind: number): string {
  return OBJECT_KIND_COLORS[kind] ?? OBJECT_KIND_COLORS[OBJECT_KIND_COLORS.length - 1];
}
