// Source with numbered lines, each reachable as #line-N: the code of the
// version an execution ran, its error's line highlighted.
import { h } from './dom';

export function codeBlock(source: string, label: string, highlight = 0): HTMLElement {
  return h('ol', { class: 'code', 'aria-label': label },
    ...source.split('\n').map((text, index) =>
      h('li', { id: `line-${index + 1}`, class: index + 1 === highlight ? 'highlight' : '' }, h('code', {}, text || ' '))));
}
