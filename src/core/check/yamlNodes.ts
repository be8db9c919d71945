// Small helpers over the `yaml` package's document nodes, which carry the offsets diagnostics need.
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';

export type AnyNode = Node | null | undefined;

/** [start, end) of a node in the YAML text; [0, 0] when it has none. */
export function nodeSpan(node: AnyNode): [number, number] {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? [range[0], range[1]] : [0, 0];
}

export function pairsOf(node: AnyNode): Pair<Node, Node | null>[] {
  return isMap(node) ? (node as YAMLMap<Node, Node | null>).items.filter((item) => isPair(item)) : [];
}

export function keyText(pair: Pair<Node, Node | null>): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

export function describeNode(node: AnyNode): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'null';
    if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    return `${typeof value} ${String(value)}`;
  }
  return 'an alias';
}
