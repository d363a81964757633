// How much of the stage the graph's overlays take. In a narrow panel (an editor group beside the
// code, 400 px wide) a full legend and a 180-px minimap would cover much of the graph: the legend
// starts folded to its button, and the minimap shrinks with the stage, then hides.

/** narrower than this, the legend starts folded to its button */
export const LEGEND_OPEN_MIN_WIDTH = 900;
/** the minimap's width in a wide stage */
export const MINIMAP_WIDTH = 180;
/** a stage narrower or lower than this gets no minimap: it would cover what it maps */
export const MINIMAP_MIN_STAGE = { width: 520, height: 320 } as const;

/** The minimap's width on a stage of this size: a fifth of the stage up to 180 px; 0 hides it. */
export function minimapWidth(stageWidth: number, stageHeight: number): number {
  if (stageWidth < MINIMAP_MIN_STAGE.width || stageHeight < MINIMAP_MIN_STAGE.height) return 0;
  return Math.min(MINIMAP_WIDTH, Math.round(stageWidth / 5));
}

/** The legend's state when the user has not chosen one. */
export function legendOpenByDefault(stageWidth: number): boolean {
  return stageWidth >= LEGEND_OPEN_MIN_WIDTH;
}
