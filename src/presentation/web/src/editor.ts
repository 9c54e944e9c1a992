// Monaco, loaded only by the pages that show code: JavaScript with the
// server's sdk.d.ts, so completion and hover know the SDK and a syntax error
// is marked while typing; SQL (coloured only) for sdk.db's migrations. Only
// the editor's core, these two languages and the TypeScript service are
// bundled, not Monaco's other languages.
import * as monaco from 'monaco-editor/esm/vs/editor/edcore.main';
import 'monaco-editor/esm/vs/basic-languages/javascript/javascript.contribution';
import 'monaco-editor/esm/vs/basic-languages/sql/sql.contribution';
import 'monaco-editor/esm/vs/language/typescript/monaco.contribution';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/esm/vs/language/typescript/ts.worker?worker';

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) =>
    label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker(),
};

const javascript = monaco.languages.typescript.javascriptDefaults;
// Scripts run on the engine, not in a page: no DOM globals to complete.
javascript.setCompilerOptions({
  target: monaco.languages.typescript.ScriptTarget.ESNext,
  module: monaco.languages.typescript.ModuleKind.ESNext,
  lib: ['esnext'],
  allowJs: true,
  allowNonTsExtensions: true,
  checkJs: false,
});
// Syntax errors only: a script's types are its own business.
javascript.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: false });

let typingsLoaded: Promise<void> | null = null;

// The SDK's declarations, once per page load.
export function loadTypings(fetchTypings: () => Promise<string>): Promise<void> {
  typingsLoaded ??= fetchTypings().then((text) => {
    javascript.addExtraLib(text, 'file:///jsruntime/sdk.d.ts');
  }).catch((error) => {
    typingsLoaded = null;  // a later page tries again
    throw error;
  });
  return typingsLoaded;
}

export interface Problem {
  line: number;
  column: number;
  message: string;
}

export interface CodeEditor {
  value(): string;
  problems(): Problem[];
  dispose(): void;
}

const kOptions: monaco.editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  fontSize: 14,
  tabSize: 2,
};

// Monaco's own dark theme when the system asks for dark (as the page's CSS does), followed live.
const darkScheme = window.matchMedia?.('(prefers-color-scheme: dark)');
const themeNow = () => (darkScheme?.matches ? 'vs-dark' : 'vs');
darkScheme?.addEventListener('change', () => monaco.editor.setTheme(themeNow()));

let modelCount = 0;

// An editor of `source`; `onProblems` hears of each change of its syntax errors.
export function codeEditor(container: HTMLElement, source: string,
                           options: { readOnly?: boolean; label: string; language?: 'javascript' | 'sql';
                                      onProblems?: (problems: Problem[]) => void }): CodeEditor {
  const language = options.language ?? 'javascript';
  const model = monaco.editor.createModel(source, language,
                                          monaco.Uri.parse(`file:///script-${++modelCount}.${language === 'sql' ? 'sql' : 'js'}`));
  const editor = monaco.editor.create(container, { ...kOptions, theme: themeNow(), model, readOnly: options.readOnly ?? false,
                                                    ariaLabel: options.label });
  const problems = (): Problem[] => monaco.editor.getModelMarkers({ resource: model.uri })
    .filter((marker) => marker.severity === monaco.MarkerSeverity.Error)
    .map((marker) => ({ line: marker.startLineNumber, column: marker.startColumn, message: marker.message }));
  const listening = monaco.editor.onDidChangeMarkers((uris) => {
    if (uris.some((uri) => uri.toString() === model.uri.toString())) options.onProblems?.(problems());
  });
  return {
    value: () => model.getValue(),
    problems,
    dispose: () => {
      listening.dispose();
      editor.dispose();
      model.dispose();
    },
  };
}

// Two sources side by side, the changes marked; read-only.
export function diffEditor(container: HTMLElement, original: string, modified: string, label: string): { dispose(): void } {
  const left = monaco.editor.createModel(original, 'javascript');
  const right = monaco.editor.createModel(modified, 'javascript');
  const editor = monaco.editor.createDiffEditor(container, { ...kOptions, theme: themeNow(), readOnly: true, originalEditable: false,
                                                             ariaLabel: label, renderSideBySide: true });
  editor.setModel({ original: left, modified: right });
  return {
    dispose: () => {
      editor.dispose();
      left.dispose();
      right.dispose();
    },
  };
}

// Moves the cursor to a line (an error's) and shows it.
export function revealLine(container: HTMLElement, line: number, column = 1) {
  const editor = monaco.editor.getEditors().find((candidate) => container.contains(candidate.getContainerDomNode()));
  editor?.setPosition({ lineNumber: line, column });
  editor?.revealLineInCenter(line);
  editor?.focus();
}
