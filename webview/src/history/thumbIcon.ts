// The thumbs of the 👍 / 👎 buttons as an inline SVG in the text's colour: an emoji needs an emoji
// font, which many Linux machines (and the e2e Chromium) lack, and then shows as an empty box; an
// SVG in currentColor follows every theme, high contrast included.
const SVG = 'http://www.w3.org/2000/svg';

/** A thumb pointing `direction`, 1em square, hidden from assistive technology (the button's label
 * says it). */
export function thumbIcon(direction: 'up' | 'down'): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [name, value] of Object.entries({ viewBox: '0 0 16 16', width: '1em', height: '1em', fill: 'currentColor', 'aria-hidden': 'true', focusable: 'false', class: 'feedback-icon' })) svg.setAttribute(name, value);
  const path = document.createElementNS(SVG, 'path');
  // A cuff (the rectangle on the left) and a hand with its thumb raised.
  path.setAttribute('d', 'M1 7h3v8H1zM5 7l3-5.5c.9-.3 2 .3 1.8 1.5L9.2 6h4.3c.9 0 1.6.8 1.4 1.7l-1.2 6.1c-.2.7-.8 1.2-1.5 1.2H5z');
  if (direction === 'down') path.setAttribute('transform', 'rotate(180 8 8)');
  svg.append(path);
  return svg;
}
