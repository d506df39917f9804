// CodeMirror extensions over the engine's editor services (editor.* in the contract) for TypeScript and JavaScript:
// type-aware completion that adds the import of a generated function, hover with the type, and signature help
// while a call's arguments are typed. The engine answers from the run type-checker's LanguageService.
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { StateEffect, StateField } from '@codemirror/state';
import { EditorView, hoverTooltip, showTooltip, type Tooltip } from '@codemirror/view';
import type { EditorCompletion, EditorCompletions, EditorHover, EditorSignature } from '../../../shared/contract';

export interface TypeScriptServices {
  complete(code: string, offset: number): Promise<EditorCompletions>;
  hover(code: string, offset: number): Promise<EditorHover | null>;
  signature(code: string, offset: number): Promise<EditorSignature | null>;
}

const KIND_TYPES: Record<string, string> = {
  property: 'property',
  method: 'method',
  function: 'function',
  const: 'constant',
  let: 'variable',
  var: 'variable',
  'local var': 'variable',
  parameter: 'variable',
  class: 'class',
  interface: 'interface',
  type: 'type',
  enum: 'enum',
  module: 'namespace',
  keyword: 'keyword',
};

function toCompletion(option: EditorCompletion): Completion {
  const insert = option.insert ?? option.label;
  const imports = option.imports ?? [];
  return {
    label: option.label,
    type: KIND_TYPES[option.kind] ?? 'text',
    detail: option.source ? `import from ${option.source}` : option.detail,
    // Auto-imports after what is in scope: a local `r` before a generated `readTextFile`.
    boost: option.imports ? -1 : 0,
    apply: imports.length
      ? (view, _completion, from, to) => {
          // The import edits are at the offsets of the document the engine saw; one transaction applies them all.
          const changes = view.state.changes([{ from, to, insert }, ...imports.map((edit) => ({ from: edit.from, to: edit.to, insert: edit.insert }))]);
          view.dispatch({ changes, selection: { anchor: changes.mapPos(to, 1) }, userEvent: 'input.complete' });
        }
      : insert,
  };
}

/** Completion from the engine; none inside a string (import paths come from the API tree). */
export function typeScriptCompletionSource(services: () => TypeScriptServices | undefined) {
  return async (context: CompletionContext): Promise<CompletionResult | null> => {
    const service = services();
    if (!service || context.matchBefore(/['"`][^'"`]*$/)) return null;
    const word = context.matchBefore(/[\w$]*$/);
    const afterDot = context.state.sliceDoc((word?.from ?? context.pos) - 1, word?.from ?? context.pos) === '.';
    if (!context.explicit && !afterDot && (!word || word.from === word.to)) return null;
    const result = await service.complete(context.state.doc.toString(), context.pos);
    if (context.aborted) return null;
    return { from: result.from, options: result.options.map(toCompletion), validFor: /^[\w$]*$/ };
  };
}

function tooltipBox(className: string, head: string, body?: string): HTMLElement {
  const dom = document.createElement('div');
  dom.className = className;
  const code = document.createElement('code');
  code.textContent = head;
  dom.append(code);
  if (body) {
    const text = document.createElement('p');
    text.textContent = body;
    dom.append(text);
  }
  return dom;
}

export function typeScriptHover(services: () => TypeScriptServices | undefined) {
  return hoverTooltip(async (view, pos) => {
    const service = services();
    if (!service) return null;
    const hover = await service.hover(view.state.doc.toString(), pos);
    if (!hover || !hover.type) return null;
    return { pos: hover.from, end: hover.to, above: true, create: () => ({ dom: tooltipBox('cm-type-info', hover.type, hover.documentation) }) };
  });
}

const setSignature = StateEffect.define<Tooltip | null>();

const signatureField = StateField.define<Tooltip | null>({
  create: () => null,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setSignature)) return effect.value;
    return value && tr.docChanged ? { ...value, pos: tr.changes.mapPos(value.pos) } : value;
  },
  provide: (field) => showTooltip.from(field),
});

/** Shows the signature of the call being written after `(` or `,`, and follows the cursor until the call ends. */
export function typeScriptSignatureHelp(services: () => TypeScriptServices | undefined) {
  let asked = 0;
  const listener = EditorView.updateListener.of((update) => {
    if (!update.docChanged && !update.selectionSet) return;
    const service = services();
    const pos = update.state.selection.main.head;
    const before = update.state.sliceDoc(pos - 1, pos);
    const showing = update.state.field(signatureField) !== null;
    if (!service || (!showing && !(update.docChanged && (before === '(' || before === ',')))) return;
    const ask = ++asked;
    void service.signature(update.state.doc.toString(), pos).then(
      (signature) => {
        if (ask !== asked) return;
        const tooltip: Tooltip | null = signature
          ? { pos, above: true, strictSide: false, create: () => ({ dom: tooltipBox('cm-signature-help', signature.label, [signature.parameter, signature.documentation].filter(Boolean).join(' — ')) }) }
          : null;
        update.view.dispatch({ effects: setSignature.of(tooltip) });
      },
      () => update.view.dispatch({ effects: setSignature.of(null) }),
    );
  });
  // Escape and leaving the editor close it, as they close completion.
  const close = EditorView.domEventHandlers({
    keydown: (event, view) => {
      if (event.key !== 'Escape' || view.state.field(signatureField) === null) return false;
      asked++;
      view.dispatch({ effects: setSignature.of(null) });
      return false;
    },
    blur: (_event, view) => {
      asked++;
      if (view.state.field(signatureField) !== null) view.dispatch({ effects: setSignature.of(null) });
      return false;
    },
  });
  return [signatureField, listener, close];
}
