// WCAG contrast of an element's text against what is behind it, measured in the page on the colours
// the browser computed (the theme's variables resolved): its background is the first opaque one of
// its ancestors with the translucent ones on the way blended over it, and a translucent text colour
// is blended too. Runs in the page (Playwright's `evaluate`): self-contained, no imports.

export interface Contrast {
  ratio: number;
  foreground: string;
  background: string;
}

/** WCAG AA for text of normal size. */
export const AA_TEXT = 4.5;

/** For `locator.evaluate(textContrast)`. */
export function textContrast(element: Element): Contrast {
  type Rgba = [number, number, number, number];
  const parse = (color: string): Rgba => {
    const srgb = /color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)/.exec(color);
    if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
    const rgb = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(color);
    if (!rgb) throw new Error(`cannot read the colour ${color}`);
    return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
  };
  const over = (top: Rgba, bottom: Rgba): Rgba =>
    [0, 1, 2].map((i) => top[i]! * top[3] + bottom[i]! * (1 - top[3])).concat(1) as Rgba;
  const layers: Rgba[] = [];
  for (let node: Element | null = element; node; node = node.parentElement) {
    const layer = parse(getComputedStyle(node).backgroundColor);
    if (layer[3] > 0) layers.push(layer);
    if (layer[3] >= 1) break;
  }
  // Nothing opaque behind it: the canvas, white.
  let background: Rgba = [255, 255, 255, 1];
  for (const layer of layers.reverse()) background = over(layer, background);
  const foreground = over(parse(getComputedStyle(element).color), background);
  const luminance = (color: Rgba) => {
    const [r, g, b] = color.slice(0, 3).map((channel) => {
      const c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a) as [number, number];
  const hex = (color: Rgba) => `#${color.slice(0, 3).map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
  return { ratio: Math.round(((light + 0.05) / (dark + 0.05)) * 100) / 100, foreground: hex(foreground), background: hex(background) };
}
