// Building DOM from data. Text is only ever assigned through `textContent`: prompt and model text
// are untrusted and must show as characters, never become markup.

type Child = Node | string | undefined | false;

export interface ElementProps {
  className?: string;
  id?: string;
  /** ARIA and data attributes, `role`, `title`: plain attribute values, never event handlers. */
  attributes?: Record<string, string>;
}

export function el(tag: string, props: ElementProps = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.id) element.id = props.id;
  for (const [name, value] of Object.entries(props.attributes ?? {})) {
    if (/^on/i.test(name)) throw new Error(`el(): refusing event-handler attribute '${name}'`);
    element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** A native button drawn as the panel's `.action` (the toolkit's button is not used: toolkit.ts). */
export function actionButton(label: string, className: string, onClick: () => void, title?: string): HTMLButtonElement {
  const element = el('button', { className: `action ${className}`, attributes: { type: 'button', ...(title !== undefined ? { title } : {}) } }, label) as HTMLButtonElement;
  element.addEventListener('click', onClick);
  return element;
}
