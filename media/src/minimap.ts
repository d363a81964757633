// The graph's minimap: the whole layout in miniature (clusters, nodes coloured by status) with the
// visible part outlined. Clicking or dragging in it moves the view there.

import type { Box, LayoutResult } from "./layout";
import type { View } from "./model";

import { MINIMAP_WIDTH } from "./overlays";

const SVG_NS = "http://www.w3.org/2000/svg";
/** the height for a 180-px width; it scales with the width */
const MAX_HEIGHT = 140;

export class Minimap {
  readonly root: HTMLElement;
  private svg: SVGSVGElement;
  private content: SVGGElement;
  private frame: SVGRectElement;
  private width = MINIMAP_WIDTH;
  /** layout height / width of the last draw */
  private aspect = 1;

  constructor(private readonly moveTo: (x: number, y: number) => void) {
    this.root = document.createElement("div");
    this.root.className = "gl-minimap";
    this.root.setAttribute("aria-label", "Minimap: click to move the view");
    this.svg = document.createElementNS(SVG_NS, "svg");
    this.content = document.createElementNS(SVG_NS, "g");
    this.frame = document.createElementNS(SVG_NS, "rect");
    this.frame.setAttribute("class", "gl-minimap-frame");
    this.svg.append(this.content, this.frame);
    this.root.appendChild(this.svg);
    let dragging = false;
    const go = (ev: PointerEvent) => {
      const p = this.svg.createSVGPoint();
      p.x = ev.clientX;
      p.y = ev.clientY;
      const m = this.svg.getScreenCTM();
      if (!m) return;
      const q = p.matrixTransform(m.inverse());
      this.moveTo(q.x, q.y);
    };
    this.svg.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      dragging = true;
      this.svg.setPointerCapture(ev.pointerId);
      go(ev);
    });
    this.svg.addEventListener("pointermove", (ev) => dragging && go(ev));
    const end = () => (dragging = false);
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", end);
  }

  /** redraw after a layout */
  draw(view: View, layout: LayoutResult): void {
    const w = Math.max(layout.width, 1);
    const h = Math.max(layout.height, 1);
    this.aspect = h / w;
    this.svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    this.svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this.applySize();
    this.content.textContent = "";
    const rect = (b: Box, cls: string) => {
      const r = document.createElementNS(SVG_NS, "rect");
      r.setAttribute("x", String(b.x));
      r.setAttribute("y", String(b.y));
      r.setAttribute("width", String(b.width));
      r.setAttribute("height", String(b.height));
      r.setAttribute("class", cls);
      this.content.appendChild(r);
    };
    for (const c of view.clusters) {
      const b = layout.clusters.get(c.path);
      if (b) rect(b, "gl-minimap-cluster");
    }
    for (const v of view.nodes) {
      const b = layout.nodes.get(v.vid);
      if (b) rect(b, `gl-minimap-node kind-${v.kind}${v.status ? ` status-${v.status}` : ""}`);
    }
  }

  /** the minimap's width in px (minimapWidth in overlays.ts); 0 hides it */
  setWidth(width: number): void {
    this.width = width;
    this.applySize();
  }

  private applySize(): void {
    this.root.hidden = this.width === 0;
    const scale = this.width / MINIMAP_WIDTH;
    const height = Math.max(40 * scale, Math.min(MAX_HEIGHT * scale, this.width * this.aspect));
    this.svg.setAttribute("width", String(this.width));
    this.svg.setAttribute("height", String(Math.round(height)));
  }

  /** outline the visible part (layout coordinates) */
  viewport(b: Box): void {
    this.frame.setAttribute("x", String(b.x));
    this.frame.setAttribute("y", String(b.y));
    this.frame.setAttribute("width", String(Math.max(b.width, 0)));
    this.frame.setAttribute("height", String(Math.max(b.height, 0)));
  }
}
